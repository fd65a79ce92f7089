/**
 * `npm run bench:routing` — routing policies compared on four simulated vLLM pods, and scale from zero.
 *
 * 1. Fleet capacity is measured closed-loop, then each policy (round-robin, least-outstanding, the full
 *    scorer profile) gets open-loop Poisson traffic at 50 %, 80 % and 95 % of it, on two workloads: a mixed
 *    one (half shared system prompts, half unique prompts) and a shared-prefix one. Reports TTFT p50/p95
 *    at the client and throughput. Goals: p95 TTFT at 80 % at least 30 % below round-robin on the mixed
 *    workload, at least 2x lower on the shared-prefix one.
 * 2. Scale from zero: a request sent while the model has no pod waits; a pod starts; the time from the pod
 *    being ready to the request's first byte is reported (goal < 100 ms).
 *
 * Pods, gateway and load generator run as separate processes (the load generator is this one).
 * Every policy gets the same arrival sequence: each slice replays arrivals and request bodies drawn from a
 * PRNG seeded by (`--seed`, workload, load, repetition), so the policies differ only in where they route.
 * Flags: --duration-s N per run (default 15), --seed N (default 42), --workload mixed|shared-prefix,
 * --policies file.json (more policies to compare, e.g. `routing-full-profile-before.json`),
 * --only routing|scale-from-zero.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '@switchyard/sim';
import { freePorts } from '@switchyard/testkit';
import { Agent, fetch as undiciFetch } from 'undici';
import { type GatewayConfigInput, parseConfig } from '../src/config.ts';
import { startGateway } from '../src/gateway.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { spawnGateway, writeGatewayConfig } from '../src/testing/gateway-process.ts';
import { asChild, type Child, waitForHttp } from './processes.ts';
import { ROUTING_BENCH_POLICIES, type RoutingBenchPolicy } from './routing-policies.ts';
import { type Random, requestMessages, seededRandom } from './routing-workload.ts';

const { values } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '15' },
    seed: { type: 'string', default: '42' },
    workload: { type: 'string' },
    policies: { type: 'string' },
    only: { type: 'string' },
  },
});
const baseSeed = Number(values.seed);
const durationMs = Number(values['duration-s']) * 1000;
const MODEL = 'bench-model';
const ROOT = join(import.meta.dirname, '..', '..');
const agent = new Agent({ connections: 4096, pipelining: 1 });

// Small pods, so queueing and cache pressure show at loads a 2-core machine can generate.
// A100 prefill speed makes a 2 000-token system prompt cost ~170 ms to recompute; 1 100 KV blocks hold the
// running batch plus about four cached system prompts (of 16), so where a prompt lands decides cache hits.
const SIM_FLAGS = [
  ...['--profile', 'llama3-8b-a100', '--max-num-seqs', '4', '--num-gpu-blocks-override', '1100'],
  ...['--max-num-batched-tokens', '2048', '--max-model-len', '8192'],
];

/** The three policies, plus any from `--policies file.json` (name → gateway `routing` section). */
const POLICIES: Record<string, unknown> = {
  ...ROUTING_BENCH_POLICIES,
  ...(values.policies ? JSON.parse(readFileSync(values.policies, 'utf8')) : {}),
};
type Policy = RoutingBenchPolicy | (string & {});

// --- workload -------------------------------------------------------------------------------------------
/** The seed of one slice, so every policy replays the same arrivals and bodies in it. */
const sliceSeed = (...parts: number[]) => parts.reduce((h, p) => (h * 1_000_003 + p) % 2 ** 31, baseSeed);

/** A request body (see `routing-workload.ts`). */
function requestBody(shared: number, random: Random): string {
  const { messages, maxTokens } = requestMessages(shared, random);
  return JSON.stringify({ model: MODEL, messages, max_tokens: maxTokens, stream: true });
}

interface Outcome {
  ttftMs?: number;
  ok: boolean;
}

/** Sends one streaming request; TTFT is the first non-empty content delta. */
async function send(url: string, body: string): Promise<Outcome> {
  const start = performance.now();
  try {
    const res = await undiciFetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      dispatcher: agent,
    });
    if (!res.ok || !res.body) {
      const text = await res.text();
      reportFailure(`HTTP ${res.status}: ${text.slice(0, 200)}`);
      return { ok: false };
    }
    let ttftMs: number | undefined;
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      if (
        ttftMs === undefined &&
        /"content":"[^"]/.test(decoder.decode(chunk as Uint8Array, { stream: true }))
      ) {
        ttftMs = performance.now() - start;
      }
    }
    return { ok: true, ...(ttftMs === undefined ? {} : { ttftMs }) };
  } catch (error) {
    reportFailure(`${(error as Error).message} ${String((error as { cause?: unknown }).cause ?? '')}`);
    return { ok: false };
  }
}

const failures = new Map<string, number>();
/** Prints the first occurrence of each kind of failure (the tables count them). */
function reportFailure(kind: string): void {
  const key = kind.slice(0, 60);
  if (!failures.has(key)) console.error(`request failed: ${kind}`);
  failures.set(key, (failures.get(key) ?? 0) + 1);
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};

/** What an open-loop slice measured. */
interface Slice {
  ttfts: number[];
  ok: number;
  errors: number;
  seconds: number;
}

/** Open-loop Poisson arrivals at `ratePerS` for `ms`; waits for the stragglers. */
async function openLoop(
  url: string,
  ratePerS: number,
  ms: number,
  shared: number,
  random: Random,
): Promise<Slice> {
  const pending: Promise<Outcome>[] = [];
  const start = performance.now();
  let next = start;
  while (next - start < ms) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(url, requestBody(shared, random)));
    next += (-Math.log(1 - random()) / ratePerS) * 1000;
  }
  const outcomes = await Promise.all(pending);
  return {
    ttfts: outcomes.flatMap((o) => (o.ttftMs === undefined ? [] : [o.ttftMs])),
    ok: outcomes.filter((o) => o.ok).length,
    errors: outcomes.filter((o) => !o.ok).length,
    seconds: (performance.now() - start) / 1000,
  };
}

/** Closed loop at `concurrency` for `ms`: completed requests per second. */
async function closedLoop(url: string, concurrency: number, ms: number, shared: number): Promise<number> {
  const random = seededRandom(sliceSeed(shared * 100, concurrency));
  const end = performance.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) if ((await send(url, requestBody(shared, random))).ok) done++;
    }),
  );
  return done / (ms / 1000);
}

// --- processes -------------------------------------------------------------------------------------------
async function startPods(): Promise<{ urls: string[]; stop: () => Promise<unknown> }> {
  const ports = await freePorts(4);
  const children: Child[] = ports.map((port) =>
    asChild(
      spawn(
        process.execPath,
        [
          join(ROOT, 'sim', 'src', 'main.ts'),
          '--served-model-name',
          MODEL,
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          ...SIM_FLAGS,
        ],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      ),
    ),
  );
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const stop = () => Promise.all(children.map((c) => c.stop()));
  try {
    await Promise.all(urls.map((u) => waitForHttp(`${u}/health`, 60_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, stop };
}

async function startGatewayProcess(
  pods: string[],
  policy: Policy,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = writeGatewayConfig(
    {
      auth: { mode: 'disabled' },
      logging: { level: 'error', accessLog: false },
      endpoints: pods.map((url, i) => ({ id: `pod-${i}`, url, model: MODEL })),
      admission: { maxConcurrency: 64, maxWaiting: 1000 },
      routing: POLICIES[policy] as GatewayConfigInput['routing'],
    },
    'switchyard-routebench-',
  );
  const [port, admin] = await freePorts(2);
  // stdout inherited: errors only (level error), so failures explain themselves.
  const gateway = await spawnGateway(config, { port: port!, adminPort: admin!, stdout: 'inherit' });
  return { url: `http://127.0.0.1:${port}`, stop: () => gateway.stop() };
}

// --- the two sections -----------------------------------------------------------------------------------
async function routingSection(): Promise<void> {
  const workloads = [
    { name: 'mixed', shared: 0.5 },
    { name: 'shared-prefix', shared: 1 },
  ].filter((w) => values.workload === undefined || w.name === values.workload);
  const loads = [0.5, 0.8, 0.95];
  const policies = Object.keys(POLICIES) as Policy[];
  // Each (policy, load) cell is measured in REPS slices, the policies taking turns, so a burst of noise from
  // other work on the machine lands on every policy alike instead of on whichever ran at that moment.
  const REPS = 3;
  // The policies share the pods, so a slice starts from the cache layout the previous policy left. Each
  // slice is preceded by SETTLE_MS of the same traffic (the same arrivals for every policy) so it is
  // measured from its own steady state: at these rates a cache-aware policy needs a few seconds to bring its
  // 16 system prompts home (one recompute each) after round-robin has scattered them.
  const SETTLE_MS = 3000;
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  for (const workload of workloads) {
    const pods = await startPods();
    const cells = new Map<string, Slice>();
    let capacity = 0;
    try {
      // Capacity: closed loop well past saturation through least-outstanding (no cache help, no handicap).
      const probe = await startGatewayProcess(pods.urls, 'least-outstanding');
      await closedLoop(probe.url, 16, 3000, workload.shared); // warm caches and JIT
      capacity = await closedLoop(probe.url, 48, Math.max(6000, durationMs / 2), workload.shared);
      await probe.stop();
      const gateways = new Map<Policy, { url: string; stop: () => Promise<void> }>();
      for (const policy of policies) gateways.set(policy, await startGatewayProcess(pods.urls, policy));
      try {
        for (const load of loads) {
          for (let rep = 0; rep < REPS; rep++) {
            for (let k = 0; k < policies.length; k++) {
              const policy = policies[(k + rep) % policies.length]!;
              const url = gateways.get(policy)!.url;
              const rate = capacity * load;
              const seedOf = (phase: number) => sliceSeed(workload.shared * 100, load * 100, rep, phase);
              // Settle this policy's cache state, then measure; both replay the same arrivals for every policy.
              await openLoop(url, rate, SETTLE_MS, workload.shared, seededRandom(seedOf(0)));
              const slice = await openLoop(
                url,
                rate,
                durationMs / REPS,
                workload.shared,
                seededRandom(seedOf(1)),
              );
              const cell = cells.get(`${policy}@${load}`) ?? { ttfts: [], ok: 0, errors: 0, seconds: 0 };
              cell.ttfts.push(...slice.ttfts);
              cell.ok += slice.ok;
              cell.errors += slice.errors;
              cell.seconds += slice.seconds;
              cells.set(`${policy}@${load}`, cell);
            }
          }
        }
      } finally {
        for (const gw of gateways.values()) await gw.stop();
      }
    } finally {
      await pods.stop();
    }
    console.log(
      `\nWorkload "${workload.name}" — fleet capacity ${capacity.toFixed(1)} req/s (4 pods, closed loop), seed ${baseSeed}, load average now ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      '| policy            | load | TTFT p50 ms | TTFT p95 ms | throughput req/s | errors | p95 vs round-robin |',
    );
    console.log(
      '|-------------------|------|-------------|-------------|------------------|--------|--------------------|',
    );
    for (const policy of policies) {
      for (const load of loads) {
        const c = cells.get(`${policy}@${load}`)!;
        const p95 = pct(c.ttfts, 0.95);
        const rrP95 = pct(cells.get(`round-robin@${load}`)!.ttfts, 0.95);
        const vs =
          policy === 'round-robin'
            ? '—'
            : `${(((p95 - rrP95) / rrP95) * 100).toFixed(0)} % (${(rrP95 / p95).toFixed(2)}x lower)`;
        console.log(
          `| ${policy.padEnd(17)} | ${`${load * 100}%`.padEnd(4)} | ${pct(c.ttfts, 0.5).toFixed(0).padStart(11)} | ${p95.toFixed(0).padStart(11)} | ${(c.ok / c.seconds).toFixed(1).padStart(16)} | ${String(c.errors).padStart(6)} | ${vs.padEnd(18)} |`,
        );
      }
    }
  }
}

async function scaleFromZeroSection(): Promise<void> {
  const gateway = await startGateway(
    parseConfig({
      server: { port: 0, adminPort: 0 },
      auth: { mode: 'disabled' },
      logging: { level: 'warn', accessLog: false },
      admission: { models: { [MODEL]: {} } },
    }),
    { logger: createLogger('warn') },
  );
  const rows: { heldMs: number; readyToFirstByteMs: number }[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      gateway.endpoints.replace([]);
      const sentAt = performance.now();
      let firstByteAt = 0;
      const request = fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'wake up' }],
          max_tokens: 4,
          stream: true,
        }),
      }).then(async (res) => {
        const reader = res.body!.getReader();
        await reader.read();
        firstByteAt = performance.now();
        while (!(await reader.read()).done) {}
        return res.status;
      });
      while (gateway.control.queue.stats(MODEL).held === 0) await new Promise((r) => setTimeout(r, 2));
      // The "pod" starts; it is ready when its health check answers, and discovery reports it at once.
      const pod = await startSimulator({ servedModelName: MODEL, port: 0 });
      await waitForHttp(`${pod.url}/health`);
      const readyAt = performance.now();
      gateway.endpoints.replace([{ id: `pod-${i}`, url: pod.url, model: MODEL }]);
      const status = await request;
      if (status !== 200) throw new Error(`scale-from-zero request answered ${status}`);
      rows.push({ heldMs: readyAt - sentAt, readyToFirstByteMs: firstByteAt - readyAt });
      await pod.close();
    }
  } finally {
    await gateway.shutdown(1000);
  }
  console.log('\nScale from zero: request held with zero pods, one pod started, request completes');
  console.log('| run | held before pod ready ms | pod ready → first byte ms | goal < 100 ms |');
  console.log('|-----|--------------------------|---------------------------|---------------|');
  for (const [i, r] of rows.entries()) {
    const ok = r.readyToFirstByteMs < 100 ? '✓' : '✗';
    console.log(
      `| ${i + 1}   | ${r.heldMs.toFixed(0).padStart(24)} | ${r.readyToFirstByteMs.toFixed(1).padStart(25)} | ${ok}             |`,
    );
  }
}

if (values.only !== 'scale-from-zero') await routingSection();
if (values.only !== 'routing') await scaleFromZeroSection();
await agent.close();
