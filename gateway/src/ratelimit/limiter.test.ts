import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.ts';
import { createRateLimiter } from './limiter.ts';
import { createMemoryStore } from './memory-store.ts';
import type { RateLimitRule } from './rules.ts';
import type { RateLimitStore } from './store.ts';

const who = { apiKey: 'k1', tenant: 'acme', model: 'm' };

function setup(rules: RateLimitRule[]) {
  const clock = createManualClock();
  const store = createMemoryStore({ clock });
  return { clock, store, limiter: createRateLimiter({ rules, store, clock }) };
}

describe('createRateLimiter', () => {
  it('answers at once, without a promise or the store, when no rule applies', async () => {
    const calls: string[] = [];
    const store: RateLimitStore = {
      kind: 'memory',
      reserve: async () => {
        calls.push('reserve');
        return { allowed: true, buckets: [], retryAfterMs: 0 };
      },
      settle: async () => {},
      ready: async () => true,
      close: async () => {},
    };
    const none = createRateLimiter({ rules: [], store });
    const d = none.reserve(who, 100);
    expect(d).not.toBeInstanceOf(Promise);
    expect(d).toMatchObject({ allowed: true, reason: 'ok', headers: {} });
    const other = createRateLimiter({
      rules: [{ name: 'tenant', by: ['tenant'], match: { tenant: 'someone-else' }, requestsPerMinute: 1 }],
      store,
    });
    expect(other.reserve(who, 100)).not.toBeInstanceOf(Promise); // the rule does not apply to `who`
    const applies = createRateLimiter({
      rules: [{ name: 'key', by: ['apiKey'], requestsPerMinute: 1 }],
      store,
    });
    expect(applies.reserve(who, 100)).toBeInstanceOf(Promise);
    await applies.reserve(who, 100);
    expect(calls).toEqual(['reserve', 'reserve']);
  });

  it('admits within limits and reports OpenAI headers', async () => {
    const { limiter } = setup([
      { name: 'key', by: ['apiKey'], requestsPerMinute: 60, tokensPerMinute: 1000 },
    ]);
    const d = await limiter.reserve(who, 100);
    expect(d.allowed).toBe(true);
    expect(d.headers).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '900',
      'x-ratelimit-reset-tokens': '6s',
    });
  });

  it('rejects with 429 details, retry-after and the rate_limit_exceeded body', async () => {
    const { limiter } = setup([{ name: 'key', by: ['apiKey'], requestsPerMinute: 2 }]);
    await limiter.reserve(who, 0);
    await limiter.reserve(who, 0);
    const d = await limiter.reserve(who, 0);
    expect(d).toMatchObject({ allowed: false, reason: 'rate_limited', retryAfterSeconds: 30 });
    expect(d.headers['retry-after']).toBe('30');
    expect(d.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(limiter.errorBody(d)).toEqual({
      error: {
        message: expect.stringContaining('Rate limit reached for requests per min (RPM) on key'),
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
  });

  it('keys buckets per dimension so other keys are unaffected', async () => {
    const { limiter } = setup([{ name: 'key', by: ['apiKey'], requestsPerMinute: 1 }]);
    expect((await limiter.reserve(who, 0)).allowed).toBe(true);
    expect((await limiter.reserve(who, 0)).allowed).toBe(false);
    expect((await limiter.reserve({ ...who, apiKey: 'k2' }, 0)).allowed).toBe(true);
  });

  it('applies a rule only where its match holds', async () => {
    const { limiter } = setup([
      { name: 'acme-m', by: ['tenant', 'model'], match: { tenant: 'acme' }, requestsPerMinute: 1 },
    ]);
    await limiter.reserve(who, 0);
    expect((await limiter.reserve(who, 0)).allowed).toBe(false);
    expect((await limiter.reserve({ ...who, tenant: 'other' }, 0)).allowed).toBe(true);
  });

  it('charges every matching rule or none (a rejection by one refunds nothing from the others)', async () => {
    const { limiter } = setup([
      { name: 'tenant', by: ['tenant'], tokensPerMinute: 1000 },
      { name: 'key', by: ['apiKey'], tokensPerMinute: 100 },
    ]);
    expect((await limiter.reserve(who, 150)).allowed).toBe(false);
    expect((await limiter.reserve({ ...who, apiKey: 'k2' }, 100)).allowed).toBe(true);
    // The tenant bucket lost only k2's 100, nothing of the refused 150.
    const probe = await limiter.reserve({ ...who, apiKey: 'k3' }, 0);
    expect(probe.headers['x-ratelimit-remaining-tokens']).toBe('900');
  });

  it('refunds the unused part of a reservation when the response ends', async () => {
    const { limiter } = setup([{ name: 'key', by: ['apiKey'], tokensPerMinute: 1000 }]);
    const d = await limiter.reserve(who, 1000);
    expect((await limiter.reserve(who, 1)).allowed).toBe(false);
    await d.reservation.settle(300);
    expect((await limiter.reserve(who, 700)).headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('refunds reserved tokens when the client disconnects mid-stream (settles what was streamed)', async () => {
    const { limiter } = setup([{ name: 'key', by: ['apiKey'], tokensPerMinute: 1000 }]);
    const d = await limiter.reserve(who, 600); // prompt 100 + max_tokens 500
    await d.reservation.settle(100 + 12); // disconnected after 12 streamed tokens
    expect((await limiter.reserve(who, 0)).headers['x-ratelimit-remaining-tokens']).toBe('888');
  });

  it('charges usage beyond the reservation and settles only once', async () => {
    const { limiter } = setup([{ name: 'key', by: ['apiKey'], tokensPerMinute: 1000 }]);
    const d = await limiter.reserve(who, 100);
    await d.reservation.settle(250);
    await d.reservation.settle(0);
    expect((await limiter.reserve(who, 0)).headers['x-ratelimit-remaining-tokens']).toBe('750');
  });

  it('refills over time on the injected clock', async () => {
    const { limiter, clock } = setup([
      { name: 'key', by: ['apiKey'], requestsPerMinute: 60, burstRequests: 1 },
    ]);
    await limiter.reserve(who, 0);
    expect((await limiter.reserve(who, 0)).allowed).toBe(false);
    clock.advance(1000);
    expect((await limiter.reserve(who, 0)).allowed).toBe(true);
  });

  it('never overshoots under a concurrent burst', async () => {
    const { limiter } = setup([
      { name: 'key', by: ['apiKey'], requestsPerMinute: 50, tokensPerMinute: 10_000 },
    ]);
    const decisions = await Promise.all(Array.from({ length: 500 }, () => limiter.reserve(who, 150)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50); // min(50 requests, 66 x 150 tokens)
  });

  it('rejects a request larger than the burst as too large', async () => {
    const { limiter } = setup([{ name: 'key', by: ['apiKey'], tokensPerMinute: 100 }]);
    const d = await limiter.reserve(who, 101);
    expect(d.message).toMatch(/Request too large/);
    expect(d.retryAfterSeconds).toBe(60);
  });

  describe('when the store fails', () => {
    const broken: RateLimitStore = {
      kind: 'redis',
      reserve: () => Promise.reject(new Error('connection refused')),
      settle: () => Promise.reject(new Error('connection refused')),
      ready: () => Promise.resolve(false),
      close: () => Promise.resolve(),
    };
    const rules: RateLimitRule[] = [{ name: 'key', by: ['apiKey'], requestsPerMinute: 1 }];

    it.each([
      { policy: 'open' as const, allowed: true },
      { policy: 'closed' as const, allowed: false },
    ])('fails $policy, logs once per interval and counts every failure', async ({ policy, allowed }) => {
      const clock = createManualClock();
      const logs: string[] = [];
      let failures = 0;
      const limiter = createRateLimiter({
        rules,
        store: broken,
        clock,
        failurePolicy: policy,
        failureLogIntervalMs: 10_000,
        log: (m) => logs.push(m),
        observer: { storeFailure: () => failures++ },
      });
      for (let i = 0; i < 5; i++) expect((await limiter.reserve(who, 0)).allowed).toBe(allowed);
      clock.advance(10_000);
      const last = await limiter.reserve(who, 0);
      expect(last.reason).toBe('store_unavailable');
      expect(failures).toBe(6);
      expect(logs).toHaveLength(2);
      expect(logs[1]).toMatch(/4 more since last log/);
      if (!allowed) expect(limiter.errorBody(last).error.code).toBe('service_unavailable');
    });
  });
});
