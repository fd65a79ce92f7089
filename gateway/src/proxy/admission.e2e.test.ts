/**
 * The admission queue through the whole gateway: fair sharing between two tenants under contention,
 * priority classes, the queue deadline, and scale from zero (held while no endpoint is ready, released the
 * moment one turns ready).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config.ts';
import { hashApiKey } from '../middleware/auth/index.ts';
import { type FakeEngine, startFakeEngine } from '../testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from '../testing/harness.ts';

const MODEL = 'test-model';
let engine: FakeEngine;

beforeAll(async () => {
  engine = await startFakeEngine(MODEL, { tokens: 3, chunkDelayMs: 0, headerDelayMs: 0 });
});
afterAll(async () => {
  await engine?.close();
});

const KEYS = { a: 'sk-tenant-a', b: 'sk-tenant-b', vip: 'sk-vip' } as const;

async function withGateway(config: Partial<GatewayConfigInput>, fn: (g: TestGateway) => Promise<void>) {
  const gateway = await startTestGateway({
    endpoints: [{ id: 'e0', url: engine.url, model: MODEL }],
    auth: {
      mode: 'required',
      keys: Object.entries(KEYS).map(([tenant, key]) => ({
        id: `key-${tenant}`,
        sha256: hashApiKey(key),
        tenant,
      })),
    },
    logging: { accessLog: false },
    ...config,
  });
  try {
    await fn(gateway);
  } finally {
    await gateway.shutdown(500);
  }
}

const post = (gateway: { url: string }, key: string, model = MODEL) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 3 }),
  });

/** Waits until the gateway's queue for `model` holds `n` requests. */
async function queued(gateway: TestGateway, n: number, model = MODEL): Promise<void> {
  for (let i = 0; i < 2000 && gateway.control.queue.stats(model).queued < n; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(gateway.control.queue.stats(model)).toMatchObject({ queued: n });
}

describe('admission queue at the gateway', () => {
  /**
   * Occupies the model's only slot for 2 s so the requests sent next all queue up behind it (if it freed
   * before they were all queued, `queued()` would never see them all and the test fails rather than passes).
   */
  async function occupy(
    gateway: TestGateway,
    tenant: keyof typeof KEYS,
    order: string[],
  ): Promise<{ done: Promise<void> }> {
    engine.behavior.headerDelayMs = 2000;
    const before = engine.received.length;
    const done = post(gateway, KEYS[tenant]).then(async (r) => {
      await r.text();
      order.push(tenant);
    });
    while (!engine.received.slice(before).some((r) => r.path.startsWith('/v1/')))
      await new Promise((r) => setTimeout(r, 5));
    engine.behavior.headerDelayMs = 5; // what arrives from now on is quick
    return { done };
  }

  it('shares a saturated model fairly between two tenants: the quiet one is not starved by the noisy one', async () => {
    try {
      await withGateway({ admission: { maxConcurrency: 1 } }, async (gateway) => {
        const order: string[] = [];
        const send = (tenant: 'a' | 'b') =>
          post(gateway, KEYS[tenant]).then(async (r) => {
            await r.text();
            order.push(tenant);
          });
        const all = [(await occupy(gateway, 'a', order)).done];
        for (let i = 0; i < 7; i++) all.push(send('a'));
        await queued(gateway, 7);
        all.push(send('b'), send('b'));
        await queued(gateway, 9);
        await Promise.all(all);
        // Queued behind seven of a's, b's two requests are served second and fourth after the one in flight.
        expect(order.slice(0, 5)).toEqual(['a', 'b', 'a', 'b', 'a']);
        const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
        expect(metrics).toMatch(/llm_queue_wait_seconds_count\{model="test-model",outcome="admitted"\} 9/);
        expect(metrics).toContain('llm_queue_depth{model="test-model"} 0');
      });
    } finally {
      engine.behavior.headerDelayMs = 0;
    }
  }, 20_000);

  it('serves a higher priority class first', async () => {
    try {
      await withGateway(
        { admission: { maxConcurrency: 1, tenants: { vip: { priority: 10 } } } },
        async (gateway) => {
          const order: string[] = [];
          const send = (tenant: 'a' | 'vip') =>
            post(gateway, KEYS[tenant]).then(async (r) => {
              await r.text();
              order.push(tenant);
            });
          const all = [(await occupy(gateway, 'a', order)).done, send('a'), send('a')];
          await queued(gateway, 2);
          all.push(send('vip'));
          await Promise.all(all);
          expect(order).toEqual(['a', 'vip', 'a', 'a']);
        },
      );
    } finally {
      engine.behavior.headerDelayMs = 0;
    }
  }, 20_000);

  it('answers 503 queue_timeout with retry-after when the queue deadline passes', async () => {
    // The busy request holds the only slot for 3 s; the late one must be turned away at its 100 ms queue
    // deadline, long before that slot frees (a 200 would mean it waited for the slot instead).
    engine.behavior.headerDelayMs = 3000;
    try {
      await withGateway({ admission: { maxConcurrency: 1, queueTimeoutMs: 100 } }, async (gateway) => {
        const before = engine.received.length;
        const busy = post(gateway, KEYS.a);
        // The engine has it, so the gateway granted it the slot.
        while (!engine.received.slice(before).some((r) => r.path.startsWith('/v1/')))
          await new Promise((r) => setTimeout(r, 5));
        const started = performance.now();
        const late = await post(gateway, KEYS.b);
        expect(performance.now() - started).toBeLessThan(2000);
        expect(late.status).toBe(503);
        expect(late.headers.get('retry-after')).toBe('1');
        expect(((await late.json()) as { error: { code: string } }).error.code).toBe('queue_timeout');
        expect((await busy).status).toBe(200);
      });
    } finally {
      engine.behavior.headerDelayMs = 0;
    }
  }, 20_000);

  it('holds a request while the model has zero ready endpoints and releases it as soon as one is ready', async () => {
    // No periodic re-check within the test: only the endpoint-change notification can release the request.
    const config = { admission: { models: { 'cold-model': { recheckIntervalMs: 600_000 } } } };
    await withGateway(config, async (gateway) => {
      const pending = post(gateway, KEYS.a, 'cold-model');
      await queued(gateway, 1, 'cold-model');
      expect(gateway.control.queue.stats('cold-model').held).toBe(1);
      await new Promise((r) => setTimeout(r, 300)); // still held, not failed
      expect(gateway.control.queue.stats('cold-model').held).toBe(1);
      const readyAt = performance.now();
      gateway.endpoints.replace([
        { id: 'e0', url: engine.url, model: MODEL },
        { id: 'cold-0', url: engine.url, model: 'cold-model' },
      ]);
      const response = await pending;
      const firstByteMs = performance.now() - readyAt;
      expect(response.status).toBe(200);
      expect(firstByteMs).toBeLessThan(2000);
      await response.text();
    });
  }, 20_000);
});
