import type { RedisServer } from '@switchyard/testkit';
import { startRedis } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from './limiter.ts';
import { createRedisStore } from './redis-store.ts';
import type { RateLimitRule } from './rules.ts';

const who = { apiKey: 'k', tenant: 't', model: 'm' };
let redis: RedisServer;
let prefixSeq = 0;

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

/** Two stores on one Redis behave like two gateway replicas. */
function replicas(rules: RateLimitRule[], count = 2) {
  const keyPrefix = `test${++prefixSeq}:`;
  const stores = Array.from({ length: count }, () => createRedisStore({ url: redis.url, keyPrefix }));
  const limiters = stores.map((store) => createRateLimiter({ rules, store }));
  return { stores, limiters, close: () => Promise.all(limiters.map((l) => l.close())) };
}

async function ready(store: ReturnType<typeof createRedisStore>) {
  if (store.client.status !== 'ready') await new Promise((r) => store.client.once('ready', r));
}

describe('Redis rate-limit store (real redis-server)', () => {
  it('shares limits between two gateway replicas', async () => {
    const { stores, limiters, close } = replicas([{ name: 'key', by: ['apiKey'], requestsPerMinute: 10 }]);
    await Promise.all(stores.map(ready));
    const results: boolean[] = [];
    for (let i = 0; i < 12; i++) results.push((await limiters[i % 2]!.reserve(who, 0)).allowed);
    expect(results.filter(Boolean)).toHaveLength(10);
    const denied = await limiters[0]!.reserve(who, 0);
    expect(denied.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(denied.headers['retry-after']).toBe('6');
    await close();
  });

  it('never overshoots when two replicas burst concurrently (atomic multi-bucket reserve)', async () => {
    const rules: RateLimitRule[] = [
      { name: 'key', by: ['apiKey'], requestsPerMinute: 1000, tokensPerMinute: 20_000 },
      { name: 'tenant', by: ['tenant'], requestsPerMinute: 75 },
    ];
    const { stores, limiters, close } = replicas(rules);
    await Promise.all(stores.map(ready));
    const decisions = await Promise.all(
      Array.from({ length: 400 }, (_, i) => limiters[i % 2]!.reserve(who, 100)),
    );
    // min(1000 requests, 75 per tenant, 20 000 / 100 = 200 token-wise) = 75 exactly.
    expect(decisions.filter((d) => d.allowed)).toHaveLength(75);
    await close();
  });

  it('refunds unused tokens at settlement across replicas', async () => {
    const { stores, limiters, close } = replicas([{ name: 'key', by: ['apiKey'], tokensPerMinute: 1000 }]);
    await Promise.all(stores.map(ready));
    const d = await limiters[0]!.reserve(who, 1000);
    expect((await limiters[1]!.reserve(who, 100)).allowed).toBe(false);
    await d.reservation.settle(200); // a stream that ended (or was cut off) after 200 tokens
    const after = await limiters[1]!.reserve(who, 100);
    expect(after.allowed).toBe(true);
    expect(Number(after.headers['x-ratelimit-remaining-tokens'])).toBeGreaterThanOrEqual(700);
    await close();
  });

  it('keys expire once their bucket would be full again', async () => {
    const { stores, limiters, close } = replicas([{ name: 'key', by: ['apiKey'], requestsPerMinute: 600 }]);
    await ready(stores[0]!);
    await limiters[0]!.reserve(who, 0);
    const keys = await stores[0]!.client.keys(`test${prefixSeq}:*`);
    expect(keys).toHaveLength(1);
    const ttl = await stores[0]!.client.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1100);
    await close();
  });
});

describe('Redis outage', () => {
  it.each([
    { policy: 'open' as const, allowed: true },
    { policy: 'closed' as const, allowed: false },
  ])(
    'fails $policy quickly without hanging, logs once and counts each failure',
    async ({ policy, allowed }) => {
      const server = await startRedis();
      const store = createRedisStore({
        url: server.url,
        keyPrefix: `outage-${policy}:`,
        // Not the 100 ms default: the command before the outage must not time out on a loaded machine.
        commandTimeoutMs: 500,
      });
      const logs: string[] = [];
      let failures = 0;
      const limiter = createRateLimiter({
        rules: [{ name: 'key', by: ['apiKey'], requestsPerMinute: 100 }],
        store,
        failurePolicy: policy,
        log: (m) => logs.push(m),
        observer: { storeFailure: () => failures++ },
      });
      await ready(store);
      expect((await limiter.reserve(who, 0)).reason).toBe('ok');
      await server.stop();
      const started = performance.now();
      const during = await Promise.all(Array.from({ length: 20 }, () => limiter.reserve(who, 0)));
      // 6x the 500 ms command timeout, for a loaded machine; a store that waited for Redis to come back
      // (reconnecting every 100-1000 ms, forever) would not answer at all.
      expect(performance.now() - started).toBeLessThan(3000);
      expect(during.every((d) => d.allowed === allowed && d.reason === 'store_unavailable')).toBe(true);
      expect(failures).toBe(20);
      expect(logs).toHaveLength(1);
      await limiter.close();
    },
    20_000,
  );
});
