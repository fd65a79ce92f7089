import type { Usage } from '@switchyard/api';
import { describe, expect, it } from 'vitest';
import { SseRelay } from './sse-relay.ts';

const chunk = (content: string) =>
  `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"${content}"}}]}\n\n`;
const usageEvent =
  'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n';

function run(stripUsage: boolean, pieces: string[]) {
  const seen = { tokens: 0, usage: undefined as Usage | undefined };
  const relay = new SseRelay(stripUsage, {
    onToken: () => seen.tokens++,
    onUsage: (u) => {
      seen.usage = u;
    },
  });
  const out: string[] = [];
  for (const piece of pieces) {
    const forwarded = relay.push(Buffer.from(piece));
    out.push(forwarded ? forwarded.toString() : '');
  }
  const rest = relay.flush();
  if (rest) out.push(rest.toString());
  return { out, seen };
}

describe('SseRelay', () => {
  it('forwards each complete event as soon as it arrives', () => {
    const { out } = run(false, [chunk('a'), chunk('b')]);
    expect(out).toEqual([chunk('a'), chunk('b')]);
  });

  it('holds a partial event until its boundary arrives', () => {
    const event = chunk('hello');
    const { out } = run(false, [event.slice(0, 10), event.slice(10)]);
    expect(out).toEqual(['', event]);
  });

  it('strips the usage event when the gateway asked for it, and still reports the usage', () => {
    const { out, seen } = run(true, [chunk('a'), `${usageEvent}data: [DONE]\n\n`]);
    expect(out.join('')).toBe(`${chunk('a')}data: [DONE]\n\n`);
    expect(seen.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('passes the usage event on when the client asked for it', () => {
    const { out, seen } = run(false, [chunk('a'), usageEvent, 'data: [DONE]\n\n']);
    expect(out.join('')).toBe(`${chunk('a') + usageEvent}data: [DONE]\n\n`);
    expect(seen.usage?.completion_tokens).toBe(2);
  });

  it('counts only events that carry text as tokens', () => {
    const role = 'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n';
    const { seen } = run(false, [role, chunk('x'), chunk('y'), 'data: [DONE]\n\n']);
    expect(seen.tokens).toBe(2);
  });
});
