/**
 * `node gateway/bench/routing-model.ts` — the routing bench's workload and policies in simulated time:
 * four engine models (the simulator's `Engine` on one `VirtualClock`, the bench's pod flags) behind the
 * gateway's real pickers, no HTTP and no processes. A run takes seconds and is exactly repeatable, so
 * it shows what a policy does to TTFT apart from the noise of a busy machine; `bench:routing` stays the
 * end-to-end measurement. TTFT here is engine arrival → first token (no gateway or network time).
 *
 * Flags: --seconds N simulated per cell (default 120), --seed N, --scrape-ms N (engine gauges sampled this
 * often, default 200), --workload mixed|shared-prefix, --policies extra.json (name → `routing` section).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { EngineConfig, Sequence } from '@switchyard/sim';
import { Engine, encodeChat, hashPromptBlocks, resolveEngineConfig, VirtualClock } from '@switchyard/sim';
import { createProfilePicker, loadRoutingConfig } from '../src/routing/config.ts';
import type { EndpointState, Picker } from '../src/routing/types.ts';
import { ROUTING_BENCH_POLICIES } from './routing-policies.ts';
import { type Random, requestMessages, seededRandom } from './routing-workload.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    seed: { type: 'string', default: '42' },
    'scrape-ms': { type: 'string', default: '200' },
    workload: { type: 'string' },
    /** A JSON file of extra policies (name → routing config section) to compare with the bench's three. */
    policies: { type: 'string' },
  },
});
const POLICIES: Record<string, unknown> = {
  ...ROUTING_BENCH_POLICIES,
  ...(values.policies ? JSON.parse(readFileSync(values.policies, 'utf8')) : {}),
};
const SECONDS = Number(values.seconds);
const SCRAPE_MS = Number(values['scrape-ms']);
const SEED = Number(values.seed);

/** The bench's pods: `llama3-8b-a100`, 4 slots, 1 100 KV blocks, 2 048-token step budget. */
const POD: EngineConfig = resolveEngineConfig('llama3-8b-a100', {
  maxNumSeqs: 4,
  numGpuBlocks: 1100,
  maxNumBatchedTokens: 2048,
  maxModelLen: 8192,
});

interface Fleet {
  clock: VirtualClock;
  engines: Engine[];
  states: EndpointState[];
}

function newFleet(): Fleet {
  const clock = new VirtualClock();
  const engines = Array.from({ length: 4 }, () => new Engine(POD, clock));
  const states: EndpointState[] = engines.map((_, i) => ({
    id: `pod-${i}`,
    url: `http://pod-${i}`,
    model: 'bench-model',
    ready: true,
    outstanding: 0,
  }));
  const scrape = () => {
    engines.forEach((e, i) => {
      const s = e.stats();
      states[i]!.engine = {
        waiting: s.waiting,
        running: s.running,
        kvCacheUsage: s.kvUsage,
        scrapedAtMs: clock.now(),
      };
    });
    clock.setTimer(clock.now() + SCRAPE_MS, scrape);
  };
  if (SCRAPE_MS > 0) scrape();
  return { clock, engines, states };
}

/** Routes one request at the current time; calls `done(ttftMs)` at its first token. */
function submit(fleet: Fleet, picker: Picker, random: Random, shared: number, done: (ttft: number) => void) {
  const { messages, maxTokens } = requestMessages(shared, random);
  const prefixText = messages
    .map((m) => m.content)
    .join('\n')
    .slice(0, 4096);
  const pick = picker.pick({ model: 'bench-model', prefixText }, fleet.states)!;
  const i = fleet.states.indexOf(pick.endpoint);
  const ids = encodeChat(messages);
  pick.endpoint.outstanding++;
  const arrival = fleet.clock.now();
  let first = true;
  fleet.engines[i]!.submit(
    {
      id: String(arrival),
      promptTokens: ids.length,
      blockHashes: hashPromptBlocks(ids, POD.blockSize),
      maxTokens,
      reasonAtMax: 'length',
    },
    {
      onToken: () => {
        if (first) done(fleet.clock.now() - arrival);
        first = false;
        return false;
      },
      onFinish: (_seq: Sequence) => {
        pick.endpoint.outstanding--;
      },
    },
  );
}

function pickerOf(policy: string, fleet: Fleet): Picker {
  const config = loadRoutingConfig(POLICIES[policy]);
  return createProfilePicker(config.profiles[0]!, () => fleet.clock.now());
}

/** Closed loop at 48 through least-outstanding, as the bench measures capacity: requests per second. */
function capacity(shared: number): number {
  const fleet = newFleet();
  const picker = pickerOf('least-outstanding', fleet);
  const random = seededRandom(SEED);
  let done = 0;
  const endMs = 60_000;
  const loop = () =>
    submit(fleet, picker, random, shared, () => {
      if (fleet.clock.now() > 10_000) done++;
    });
  // Re-send when a request finishes: wrap via outstanding polling every 5 ms (cheap, exact enough).
  let inFlight = 0;
  const tick = () => {
    inFlight = fleet.states.reduce((s, e) => s + e.outstanding, 0);
    for (; inFlight < 48; inFlight++) loop();
    if (fleet.clock.now() < endMs) fleet.clock.setTimer(fleet.clock.now() + 5, tick);
  };
  tick();
  fleet.clock.runUntil(endMs);
  return done / ((endMs - 10_000) / 1000);
}

function openLoop(policy: string, shared: number, rate: number): number[] {
  const fleet = newFleet();
  const picker = pickerOf(policy, fleet);
  const random = seededRandom(SEED + 1);
  const warmMs = 10_000;
  const ttfts: number[] = [];
  let next = 0;
  const arrive = () => {
    const at = fleet.clock.now();
    submit(fleet, picker, random, shared, (t) => {
      if (at >= warmMs) ttfts.push(t);
    });
    next += (-Math.log(1 - random()) / rate) * 1000;
    if (next < warmMs + SECONDS * 1000) fleet.clock.setTimer(next, arrive);
  };
  arrive();
  fleet.clock.runUntil(warmMs + SECONDS * 1000 + 30_000);
  return ttfts;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

for (const workload of [
  { name: 'mixed', shared: 0.5 },
  { name: 'shared-prefix', shared: 1 },
].filter((w) => values.workload === undefined || w.name === values.workload)) {
  const cap = capacity(workload.shared);
  console.log(`\nWorkload "${workload.name}" (simulated time) — capacity ${cap.toFixed(1)} req/s`);
  console.log('| policy            | load | TTFT p50 ms | TTFT p95 ms | p95 vs round-robin |');
  console.log('|-------------------|------|-------------|-------------|--------------------|');
  for (const load of [0.5, 0.8, 0.95]) {
    let rr = Number.NaN;
    for (const policy of Object.keys(POLICIES)) {
      const t = openLoop(policy, workload.shared, cap * load);
      const p95 = pct(t, 0.95);
      if (policy === 'round-robin') rr = p95;
      const vs = policy === 'round-robin' ? '—' : `${(((p95 - rr) / rr) * 100).toFixed(0)} %`;
      console.log(
        `| ${policy.padEnd(17)} | ${`${load * 100}%`.padEnd(4)} | ${pct(t, 0.5).toFixed(0).padStart(11)} | ${p95.toFixed(0).padStart(11)} | ${vs.padEnd(18)} |`,
      );
    }
  }
}
