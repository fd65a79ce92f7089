/**
 * `npm run bench:ratelimit` — rate limiting measured three ways:
 *   1. added latency of `limiter.reserve` + `settle`, memory store and Redis store (goals: p99 < 50 µs, < 1 ms);
 *   2. a burst of concurrent streams against three gateway processes sharing Redis (goal: zero overshoot);
 *   3. admitted vs configured over a sustained run (default 60 s) through the same three gateways
 *      (goal: within 1 % of the limit).
 *
 * Flags: --duration-s N (sustained run, default 60), --latency-ops N (default 100 000).
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startSimulator } from '@switchyard/sim';
import { freePorts, startRedis } from '@switchyard/testkit';
import { createRateLimiter } from '../src/ratelimit/limiter.ts';
import { createMemoryStore } from '../src/ratelimit/memory-store.ts';
import { createRedisStore } from '../src/ratelimit/redis-store.ts';
import type { RateLimitRule } from '../src/ratelimit/rules.ts';
import type { RateLimitStore } from '../src/ratelimit/store.ts';
import { spawnGateway, writeGatewayConfig } from '../src/testing/gateway-process.ts';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '60' },
    'latency-ops': { type: 'string', default: '100000' },
  },
});
const durationS = Number(values['duration-s']);
const latencyOps = Number(values['latency-ops']);
const MODEL = 'bench-model';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

interface Latency {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function summarize(samples: number[]): Latency {
  const warm = samples.slice(Math.floor(samples.length / 10)).sort((a, b) => a - b);
  const mean = warm.reduce((s, x) => s + x, 0) / warm.length;
  return { p50: quantile(warm, 0.5), p90: quantile(warm, 0.9), p99: quantile(warm, 0.99), mean };
}

/**
 * Microseconds per call: `reserve` is what a request waits for before it goes upstream (the added latency);
 * `settle` runs after the response has ended, off the request's path, and is reported beside it.
 */
async function measureLatency(
  store: RateLimitStore,
  ops: number,
): Promise<{ reserve: Latency; settle: Latency }> {
  const rules: RateLimitRule[] = [
    { name: 'key', by: ['apiKey'], requestsPerMinute: 1e9, tokensPerMinute: 1e12 },
    { name: 'tenant-model', by: ['tenant', 'model'], tokensPerMinute: 1e12 },
  ];
  const limiter = createRateLimiter({ rules, store });
  const reserve: number[] = [];
  const settle: number[] = [];
  for (let i = 0; i < ops; i++) {
    const who = { apiKey: `key-${i % 1000}`, tenant: `tenant-${i % 10}`, model: MODEL };
    const t0 = process.hrtime.bigint();
    const d = await limiter.reserve(who, 1200);
    const t1 = process.hrtime.bigint();
    await d.reservation.settle(800);
    reserve.push(Number(t1 - t0) / 1000);
    settle.push(Number(process.hrtime.bigint() - t1) / 1000);
  }
  return { reserve: summarize(reserve), settle: summarize(settle) };
}

/** One streaming chat completion; resolves with the status once the stream ended. */
async function stream(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello there' }],
      max_tokens: 8,
      stream: true,
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function startGatewayProcesses(
  redisUrl: string,
  engineUrl: string,
  keyPrefix: string,
  rule: RateLimitRule,
) {
  const config = writeGatewayConfig(
    {
      auth: { mode: 'disabled' },
      logging: { level: 'warn', accessLog: false },
      endpoints: [{ id: 'sim', url: engineUrl, model: MODEL }],
      // Fail closed with a generous timeout: on a loaded machine a slow Redis reply must not admit unlimited.
      rateLimits: {
        store: 'redis',
        redis: { url: redisUrl, keyPrefix, commandTimeoutMs: 1000 },
        failurePolicy: 'closed',
        rules: [rule],
      },
      routing: { scrape: { intervalMs: 0 } },
    },
    'switchyard-rlbench-',
  );
  const ports = await freePorts(6);
  const gateways = await Promise.all(
    [0, 1, 2].map((i) =>
      spawnGateway(config, { port: ports[i * 2]!, adminPort: ports[i * 2 + 1]!, stdout: 'ignore' }),
    ),
  );
  const urls = [0, 1, 2].map((i) => `http://127.0.0.1:${ports[i * 2]}`);
  return { urls, stop: () => Promise.all(gateways.map((g) => g.stop())) };
}

async function main(): Promise<void> {
  const redis = await startRedis();
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  try {
    // 1. Added latency.
    const memory = await measureLatency(createMemoryStore(), latencyOps);
    const redisStore = createRedisStore({ url: redis.url, keyPrefix: 'latency:', commandTimeoutMs: 1000 });
    await new Promise((r) => redisStore.client.once('ready', r));
    const viaRedis = await measureLatency(redisStore, Math.min(latencyOps, 20_000));
    await redisStore.close();
    console.log(
      `load average at start: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores`,
    );
    const redisOps = Math.min(latencyOps, 20_000);
    console.log(
      '\nAdded latency per request: reserve (on the request path), 3 buckets over 2 rules; settle after the response',
    );
    console.log(
      '| store  | ops     | reserve p50 µs | p90 µs | p99 µs | mean µs | settle p50 µs | settle p99 µs | goal (reserve p99) |',
    );
    console.log(
      '|--------|---------|----------------|--------|--------|---------|---------------|---------------|--------------------|',
    );
    for (const [name, ops, r, goal] of [
      ['memory', latencyOps, memory, 50],
      ['redis', redisOps, viaRedis, 1000],
    ] as const) {
      const cells = [r.reserve.p50, r.reserve.p90, r.reserve.p99, r.reserve.mean].map((x) =>
        fmt(x).padStart(6),
      );
      const ok = r.reserve.p99 < goal ? '✓' : '✗';
      const goalCell = `< ${goal} µs ${ok}`.padEnd(18);
      const settleCells = `${fmt(r.settle.p50).padStart(13)} | ${fmt(r.settle.p99).padStart(13)}`;
      console.log(
        `| ${name.padEnd(6)} | ${String(ops).padEnd(7)} | ${cells[0]!.padStart(14)} | ${cells[1]} | ${cells[2]} | ${cells[3]!.padStart(7)} | ${settleCells} | ${goalCell} |`,
      );
    }

    // 2. Burst: many concurrent streams at once against a full bucket.
    sim = await startSimulator({ servedModelName: MODEL, port: 0, timeScale: 10 });
    const burstRule: RateLimitRule = {
      name: 'burst',
      by: ['tenant'],
      requestsPerMinute: 60,
      burstRequests: 100,
    };
    const burstGw = await startGatewayProcesses(redis.url, sim.url, 'burst:', burstRule);
    const t0 = performance.now();
    const statuses = await Promise.all(Array.from({ length: 400 }, (_, i) => stream(burstGw.urls[i % 3]!)));
    const burstS = (performance.now() - t0) / 1000;
    await burstGw.stop();
    const admittedBurst = statuses.filter((s) => s === 200).length;
    const allowedBurst = 100 + burstS * (60 / 60);
    console.log('\nBurst: 400 concurrent streams over 3 gateway processes sharing Redis (burst 100, 60 rpm)');
    const otherBurst = statuses.filter((s) => s !== 200 && s !== 429).length;
    console.log('| sent | admitted | 429 | other | allowed (burst + refill during burst) | overshoot |');
    console.log('|------|----------|-----|-------|---------------------------------------|-----------|');
    console.log(
      `| 400  | ${String(admittedBurst).padEnd(8)} | ${String(statuses.filter((s) => s === 429).length).padEnd(3)} | ${String(otherBurst).padEnd(5)} | ${fmt(allowedBurst, 2).padEnd(37)} | ${Math.max(0, admittedBurst - Math.floor(allowedBurst))}         |`,
    );

    // 3. Sustained: closed-loop pressure far above the limit for `durationS`.
    const rate = 1200; // requests per minute: 20/s
    const sustainedRule: RateLimitRule = {
      name: 'sustained',
      by: ['tenant'],
      requestsPerMinute: rate,
      burstRequests: 50,
    };
    const gw = await startGatewayProcesses(redis.url, sim.url, 'sustained:', sustainedRule);
    let admitted = 0;
    let limited = 0;
    let other = 0;
    const start = performance.now();
    const endAt = start + durationS * 1000;
    const loops = Array.from({ length: 24 }, async (_, i) => {
      while (performance.now() < endAt) {
        const s = await stream(gw.urls[i % 3]!);
        if (s === 200) admitted++;
        else if (s === 429) {
          limited++;
          await new Promise((r) => setTimeout(r, 20));
        } else other++;
      }
    });
    await Promise.all(loops);
    const elapsedS = (performance.now() - start) / 1000;
    await gw.stop();
    const configured = 50 + (rate / 60) * elapsedS;
    const errorPct = ((admitted - configured) / configured) * 100;
    console.log(
      `\nSustained: 24 closed-loop streams over 3 gateway processes for ${fmt(elapsedS)} s (1200 rpm, burst 50)`,
    );
    console.log(
      '| configured (burst + rate × time) | admitted | 429s  | other | admitted vs configured | goal      |',
    );
    console.log(
      '|----------------------------------|----------|-------|-------|------------------------|-----------|',
    );
    console.log(
      `| ${fmt(configured).padEnd(32)} | ${String(admitted).padEnd(8)} | ${String(limited).padEnd(5)} | ${String(other).padEnd(5)} | ${`${errorPct >= 0 ? '+' : ''}${fmt(errorPct, 2)} %`.padEnd(22)} | ±1 % ${Math.abs(errorPct) <= 1 ? '✓' : '✗'}    |`,
    );
  } finally {
    await sim?.close();
    await redis.stop();
  }
}

await main();
