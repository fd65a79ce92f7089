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
    onTokens: (count) => {
      seen.tokens += count;
    },
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

  it('counts each token event once when several arrive in one chunk', () => {
    const both = 'data: {"choices":[{"delta":{"content":"a","tool_calls":[{"id":"t"}]}}]}\n\n';
    const { seen } = run(false, [chunk('x') + both + chunk('y') + usageEvent]);
    expect(seen.tokens).toBe(3);
  });

  it('cuts the usage event at the right bytes when the text before it is not ASCII', () => {
    const text = chunk('héllo — 世界 🙂');
    const { out, seen } = run(true, [`${text}${usageEvent}data: [DONE]\n\n`]);
    expect(out.join('')).toBe(`${text}data: [DONE]\n\n`);
    expect(seen).toEqual({ tokens: 1, usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
  });

  it('keeps events that carry usage beside choices (continuous usage stats) and reports the latest', () => {
    const withUsage = (content: string, completion: number) =>
      `data: {"choices":[{"index":0,"delta":{"content":"${content}"}}],"usage":{"prompt_tokens":3,"completion_tokens":${completion},"total_tokens":${3 + completion}}}\n\n`;
    const { out, seen } = run(true, [withUsage('a', 1) + withUsage('b', 2), usageEvent]);
    expect(out.join('')).toBe(withUsage('a', 1) + withUsage('b', 2));
    expect(seen.usage?.completion_tokens).toBe(2);
    expect(seen.tokens).toBe(2);
  });

  it('forwards nothing for a chunk that held only the stripped usage event', () => {
    const { out, seen } = run(true, [chunk('a'), usageEvent, 'data: [DONE]\n\n']);
    expect(out).toEqual([chunk('a'), '', 'data: [DONE]\n\n']);
    expect(seen.usage?.total_tokens).toBe(5);
  });
});
