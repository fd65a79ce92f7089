import { describe, expect, it } from 'vitest';
import { formatResetDuration, rateLimitHeaders, retryAfterSeconds } from './headers.ts';

describe('formatResetDuration writes durations as OpenAI does', () => {
  it.each([
    { ms: 0, want: '0ms' },
    { ms: 20, want: '20ms' },
    { ms: 999.2, want: '1s' },
    { ms: 1000, want: '1s' },
    { ms: 1500, want: '1.5s' },
    { ms: 6 * 60_000, want: '6m0s' },
    { ms: 90_250, want: '1m30.25s' },
    { ms: 3_723_000, want: '1h2m3s' },
    { ms: Number.POSITIVE_INFINITY, want: '0s' },
  ])('$ms ms → $want', ({ ms, want }) => {
    expect(formatResetDuration(ms)).toBe(want);
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    { ms: 1, want: 1 },
    { ms: 1000, want: 1 },
    { ms: 1001, want: 2 },
    { ms: Number.POSITIVE_INFINITY, want: 60 },
  ])('$ms ms → $want s', ({ ms, want }) => {
    expect(retryAfterSeconds(ms)).toBe(want);
  });
});

describe('rateLimitHeaders', () => {
  it('reports the tightest bucket of each unit', () => {
    const headers = rateLimitHeaders(
      [
        { key: 'a', limit: 100, remaining: 90, resetMs: 6000 },
        { key: 'b', limit: 10, remaining: 2, resetMs: 48_000 },
      ],
      [{ key: 't', limit: 40_000, remaining: 39_000, resetMs: 1500 }],
    );
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '2',
      'x-ratelimit-reset-requests': '48s',
      'x-ratelimit-limit-tokens': '40000',
      'x-ratelimit-remaining-tokens': '39000',
      'x-ratelimit-reset-tokens': '1.5s',
    });
  });

  it('omits a unit no rule limits', () => {
    expect(rateLimitHeaders([], [])).toEqual({});
  });
});
