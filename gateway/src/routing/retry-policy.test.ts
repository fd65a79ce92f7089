import { describe, expect, it } from 'vitest';
import { createOutlierDetector } from './outlier-detector.ts';
import { isConnectError, NoEndpointError, sendWithRetries } from './retry-policy.ts';
import { endpoint } from './test-endpoints.ts';
import type { Pick } from './types.ts';

const connectError = () => Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
type Outcome = number | 'connect' | 'reset-mid-stream';

/** Endpoints a, b, c answer with the scripted outcome of their first attempt. */
function run(script: Partial<Record<string, Outcome>>, maxAttempts = 3) {
  const tried: string[] = [];
  const discarded: string[] = [];
  const eps = ['a', 'b', 'c'].map((id) => endpoint(id));
  const promise = sendWithRetries<{ status: number; id: string }>({
    maxAttempts,
    pick: (exclude): Pick | undefined => {
      const e = eps.find((x) => !exclude.has(x.id));
      return e && { endpoint: e, scores: {} };
    },
    send: async (pick) => {
      tried.push(pick.endpoint.id);
      const outcome = script[pick.endpoint.id] ?? 200;
      if (outcome === 'connect') throw connectError();
      if (outcome === 'reset-mid-stream')
        throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_ABORTED' });
      return { status: outcome, id: pick.endpoint.id };
    },
    status: (r) => r.status,
    discard: (r) => discarded.push(r.id),
  });
  return { promise, tried, discarded };
}

describe('sendWithRetries', () => {
  it.each([
    { name: 'succeeds first time without retrying', script: {}, tried: ['a'], status: 200 },
    {
      name: 'retries a connect error on another endpoint',
      script: { a: 'connect' as const },
      tried: ['a', 'b'],
      status: 200,
    },
    { name: 'retries a 503 on another endpoint', script: { a: 503 }, tried: ['a', 'b'], status: 200 },
    { name: 'does not retry other statuses', script: { a: 500 }, tried: ['a'], status: 500 },
    { name: 'does not retry 429', script: { a: 429 }, tried: ['a'], status: 429 },
    {
      name: 'returns the last 503 when attempts run out',
      script: { a: 503, b: 503, c: 503 },
      tried: ['a', 'b', 'c'],
      status: 503,
    },
  ])('$name', async ({ script, tried, status }) => {
    const r = run(script);
    expect((await r.promise).response.status).toBe(status);
    expect(r.tried).toEqual(tried);
  });

  it('discards the 503 body it retries', async () => {
    const r = run({ a: 503 });
    await r.promise;
    expect(r.discarded).toEqual(['a']);
  });

  it('never retries an error that is not a connect error (bytes may have reached the engine)', async () => {
    const r = run({ a: 'reset-mid-stream' });
    await expect(r.promise).rejects.toThrow('other side closed');
    expect(r.tried).toEqual(['a']);
  });

  it('rejects with the connect error when every endpoint refused', async () => {
    const r = run({ a: 'connect', b: 'connect', c: 'connect' }, 5);
    await expect(r.promise).rejects.toThrow('fetch failed');
    expect(r.tried).toEqual(['a', 'b', 'c']);
  });

  it('rejects with NoEndpointError when nothing can be picked', async () => {
    await expect(
      sendWithRetries({
        maxAttempts: 3,
        pick: () => undefined,
        send: async () => 0,
        status: () => 200,
        discard: () => {},
      }),
    ).rejects.toBeInstanceOf(NoEndpointError);
  });

  it('feeds failures and successes to the outlier detector', async () => {
    const outliers = createOutlierDetector({
      consecutiveFailures: 1,
      baseEjectionMs: 60_000,
      maxEjectionMs: 60_000,
    });
    const eps = [endpoint('a'), endpoint('b')];
    await sendWithRetries({
      maxAttempts: 2,
      pick: (exclude) => {
        const e = outliers.apply(eps).find((x) => x.ready && !exclude.has(x.id));
        return e && { endpoint: e, scores: {} };
      },
      send: async (p) => {
        if (p.endpoint.id === 'a') throw connectError();
        return 200;
      },
      status: (s) => s,
      discard: () => {},
      outliers,
    });
    expect(outliers.state('a')).toBe('ejected');
    expect(outliers.state('b')).toBe('healthy');
  });
});

describe('isConnectError', () => {
  it.each([
    { name: 'undici fetch failed with a refused cause', error: connectError(), want: true },
    { name: 'a connect timeout', error: { code: 'UND_ERR_CONNECT_TIMEOUT' }, want: true },
    { name: 'a body timeout', error: { code: 'UND_ERR_BODY_TIMEOUT' }, want: false },
    { name: 'an abort', error: new DOMException('aborted', 'AbortError'), want: false },
  ])('$name → $want', ({ error, want }) => {
    expect(isConnectError(error)).toBe(want);
  });
});
