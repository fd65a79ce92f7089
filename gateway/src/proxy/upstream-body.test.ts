import { describe, expect, it } from 'vitest';
import { UpstreamBody } from './upstream-body.ts';

/** A stand-in for undici's request controller that records what the body asked of it. */
function source() {
  const calls: string[] = [];
  return {
    calls,
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
    abort: (e: Error) => calls.push(`abort:${e.message}`),
  };
}

const flush = () => new Promise((r) => setImmediate(r));

/** `collect` as a promise, for the tests. */
const collected = (body: UpstreamBody, limit?: number) =>
  new Promise<Buffer>((resolve, reject) =>
    body.collect((error, whole) => (error ? reject(error) : resolve(whole!)), limit),
  );

describe('UpstreamBody', () => {
  it('relays data queued before a listener, in order, then ends', async () => {
    const src = source();
    const body = new UpstreamBody(src);
    expect(body.push(Buffer.from('a'))).toBe(false); // nobody listens yet: undici should pause
    const seen: string[] = [];
    body.on('data', (c: Buffer) => seen.push(c.toString()));
    body.on('end', () => seen.push('end'));
    await flush();
    expect(body.push(Buffer.from('b'))).toBe(true);
    body.end();
    await flush();
    expect(seen).toEqual(['a', 'b', 'end']);
  });

  describe('collect', () => {
    it('gathers chunks queued before it and those after, without events, and resumes the socket', async () => {
      const src = source();
      const body = new UpstreamBody(src);
      let events = 0;
      body.on('end', () => events++);
      body.push(Buffer.from('{"a":'));
      const whole = collected(body);
      expect(src.calls).toContain('resume');
      expect(body.push(Buffer.from('1}'))).toBe(true);
      body.end();
      expect((await whole).toString()).toBe('{"a":1}');
      await flush();
      expect(events).toBe(0);
    });

    it('resolves at once when the body already ended', async () => {
      const body = new UpstreamBody(source());
      body.push(Buffer.from('done'));
      body.end();
      expect((await collected(body)).toString()).toBe('done');
    });

    it('keeps at most `limit` bytes and reads the rest', async () => {
      const body = new UpstreamBody(source());
      const whole = collected(body, 4);
      body.push(Buffer.from('abc'));
      body.push(Buffer.from('defg'));
      body.push(Buffer.from('h'));
      body.end();
      expect((await whole).toString()).toBe('abc');
    });

    it('rejects with the failure, before or after it is called', async () => {
      const late = new UpstreamBody(source());
      const whole = collected(late);
      late.push(Buffer.from('x'));
      late.fail(new Error('reset'));
      await expect(whole).rejects.toThrow('reset');

      const early = new UpstreamBody(source());
      early.fail(new Error('timeout'));
      await expect(collected(early)).rejects.toThrow('timeout');
    });
  });
});
