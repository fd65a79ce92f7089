/**
 * Rate limits through the whole gateway: OpenAI headers and 429 bodies, settlement of streams and
 * disconnects, limits shared through Redis by two gateway processes, and Redis outages in both policies.
 */
import type { RedisServer } from '@switchyard/testkit';
import { freePorts, startRedis, waitUntil } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayConfigInput } from '../config.ts';
import { type FakeEngine, startFakeEngine } from '../testing/fake-engine.ts';
import { type GatewayProcess, spawnGateway, writeGatewayConfig } from '../testing/gateway-process.ts';
import { startTestGateway, type TestGateway } from '../testing/harness.ts';

const MODEL = 'test-model';
let engine: FakeEngine;
let redis: RedisServer;

beforeAll(async () => {
  engine = await startFakeEngine(MODEL, { tokens: 5 });
  redis = await startRedis();
}, 30_000);
afterAll(async () => {
  await engine?.close();
  await redis?.stop();
});

const chat = (extra: Record<string, unknown> = {}) => ({
  model: MODEL,
  messages: [{ role: 'user', content: 'x'.repeat(40) }], // 10 + 4 tokens estimated
  max_tokens: 20,
  ...extra,
});
const post = (gateway: { url: string }, body: unknown, signal?: AbortSignal) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

async function withGateway(config: Partial<GatewayConfigInput>, fn: (g: TestGateway) => Promise<void>) {
  const gateway = await startTestGateway({
    endpoints: [{ id: 'e0', url: engine.url, model: MODEL }],
    logging: { accessLog: false },
    ...config,
  });
  try {
    await fn(gateway);
  } finally {
    await gateway.shutdown(500);
  }
}

describe('rate limits at the gateway', () => {
  it('sends OpenAI x-ratelimit headers and a 429 rate_limit_exceeded body with retry-after', async () => {
    await withGateway(
      {
        rateLimits: {
          rules: [{ name: 'per-key', by: ['apiKey'], requestsPerMinute: 2, tokensPerMinute: 10_000 }],
        },
      },
      async (gateway) => {
        const ok = await post(gateway, chat());
        expect(ok.status).toBe(200);
        expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('2');
        expect(ok.headers.get('x-ratelimit-remaining-requests')).toBe('1');
        expect(ok.headers.get('x-ratelimit-reset-requests')).toBe('30s');
        expect(ok.headers.get('x-ratelimit-limit-tokens')).toBe('10000');
        expect(ok.headers.get('x-ratelimit-remaining-tokens')).toBe('9966');
        expect(ok.headers.get('x-ratelimit-reset-tokens')).toMatch(/^\d+ms$/);
        await ok.text();
        await (await post(gateway, chat())).text();
        const limited = await post(gateway, chat());
        expect(limited.status).toBe(429);
        expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
        const body = (await limited.json()) as { error: Record<string, unknown> };
        expect(body.error).toMatchObject({ type: 'requests', param: null, code: 'rate_limit_exceeded' });
        expect(body.error.message).toMatch(/^Rate limit reached for requests per min \(RPM\) on per-key/);
        const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
        expect(metrics).toMatch(
          /llm_rate_limited_total\{model="test-model",tenant="default",rule="per-key",kind="requests"\} 1/,
        );
      },
    );
  });

  it('settles a finished stream against real usage (refunds what max_tokens reserved but did not use)', async () => {
    await withGateway(
      { rateLimits: { rules: [{ name: 'tpm', tokensPerMinute: 1000 }] } },
      async (gateway) => {
        const first = await post(gateway, chat({ stream: true, max_tokens: 500 }));
        expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1000 - 514));
        await first.text(); // 7 prompt + 5 completion tokens used
        const second = await post(gateway, chat({ max_tokens: 1 }));
        // 1000 - 12 used - 15 reserved now (refill over the few ms adds at most a token).
        expect(Number(second.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThanOrEqual(973);
        await second.text();
      },
    );
  });

  it('refunds reserved tokens when the client disconnects mid-stream', async () => {
    await withGateway(
      { rateLimits: { rules: [{ name: 'tpm', tokensPerMinute: 1000 }] } },
      async (gateway) => {
        engine.behavior = { tokens: 50, chunkDelayMs: 20, headerDelayMs: 0 };
        try {
          const controller = new AbortController();
          const res = await post(gateway, chat({ stream: true, max_tokens: 900 }), controller.signal);
          expect(res.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1000 - 914));
          const reader = res.body!.getReader();
          await reader.read();
          const aborted = engine.nextAbort();
          controller.abort();
          await aborted;
          // The refund settles after the abort; wait for it without spending the bucket (a zero-token
          // reservation only reads it). Refill alone adds ~170 tokens in 10 s, far from the ~820 refunded.
          await waitUntil(
            async () => {
              const peek = await gateway.control.limiter.reserve({ model: MODEL }, 0);
              return Number(peek.headers['x-ratelimit-remaining-tokens']) > 900;
            },
            { what: 'the aborted stream refunds its reserved tokens', timeoutMs: 10_000, intervalMs: 10 },
          );
          const after = await post(gateway, chat({ max_tokens: 1 }));
          // Only the prompt estimate and the few streamed tokens stay charged; ~900 came back.
          expect(Number(after.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(900);
          await after.text();
        } finally {
          engine.behavior = { tokens: 5, chunkDelayMs: 0, headerDelayMs: 0 };
        }
      },
    );
  }, 20_000);

  it.each([
    { policy: 'open' as const, status: 200 },
    { policy: 'closed' as const, status: 503 },
  ])(
    'keeps serving through a Redis outage when failing $policy: answers $status fast and counts it',
    async ({ policy, status }) => {
      const outage = await startRedis();
      await withGateway(
        {
          rateLimits: {
            store: 'redis',
            // Not the 100 ms default: the request before the outage must not time out on a loaded machine.
            redis: { url: outage.url, keyPrefix: `e2e-${policy}:`, commandTimeoutMs: 500 },
            failurePolicy: policy,
            rules: [{ name: 'rpm', requestsPerMinute: 1000 }],
          },
        },
        async (gateway) => {
          // The gateway waits for Redis at start only up to connectTimeoutMs; make sure it is connected.
          expect(await gateway.control.limiter.ready(10_000)).toBe(true);
          expect((await post(gateway, chat())).status).toBe(200);
          await outage.stop();
          const started = performance.now();
          const responses = await Promise.all(Array.from({ length: 5 }, () => post(gateway, chat())));
          expect(performance.now() - started).toBeLessThan(3000); // 6x the command timeout
          expect(responses.map((r) => r.status)).toEqual(Array(5).fill(status));
          if (status === 503) expect(responses[0]!.headers.get('retry-after')).toBe('1');
          await Promise.all(responses.map((r) => r.text()));
          const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
          expect(metrics).toContain(`llm_rate_limit_store_failures_total{policy="${policy}"} 5`);
          expect(
            gateway.logLines.filter((l) => l.includes('rate-limit store (redis) unavailable')),
          ).toHaveLength(1);
        },
      );
    },
    20_000,
  );
});

describe('limits shared through Redis by two gateway processes', () => {
  const gateways: GatewayProcess[] = [];
  afterAll(() => {
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
  });

  async function startGateway(configPath: string, port: number, adminPort: number): Promise<string> {
    gateways.push(
      await spawnGateway(configPath, { port, adminPort, env: { LOG_LEVEL: 'warn' }, stdout: 'ignore' }),
    );
    return `http://127.0.0.1:${port}`;
  }

  it('admits exactly the configured limit across both processes under a concurrent burst', async () => {
    const configPath = writeGatewayConfig(
      {
        auth: { mode: 'disabled' },
        logging: { accessLog: false },
        endpoints: [{ id: 'e0', url: engine.url, model: MODEL }],
        rateLimits: {
          store: 'redis',
          // Fail closed and wait long for Redis: on a loaded machine a slow reply must not admit extra requests.
          redis: { url: redis.url, keyPrefix: 'two-processes:', commandTimeoutMs: 3000 },
          failurePolicy: 'closed',
          // A burst of 30 that barely refills during the test, so the count is exact.
          rules: [{ name: 'tenant-burst', by: ['tenant'], requestsPerMinute: 1, burstRequests: 30 }],
        },
      },
      'switchyard-rl-',
    );
    const [p1, a1, p2, a2] = await freePorts(4);
    const urls = await Promise.all([startGateway(configPath, p1!, a1!), startGateway(configPath, p2!, a2!)]);
    const send = async (count: number, url: (i: number) => string) => {
      const responses = await Promise.all(
        Array.from({ length: count }, (_, i) => post({ url: url(i) }, chat({ stream: i % 3 === 0 }))),
      );
      await Promise.all(responses.map((r) => r.text()));
      return responses.map((r) => r.status);
    };
    // Each process spends 10 of the 30 on its own: both admit, and both count against one budget.
    expect(await send(10, () => urls[0]!)).toEqual(Array(10).fill(200));
    expect(await send(10, () => urls[1]!)).toEqual(Array(10).fill(200));
    // Then a burst over both: exactly the 10 left are admitted. Limits per process would admit 40 here.
    const statuses = await send(80, (i) => urls[i % 2]!);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(70);
  }, 90_000);
});
