/**
 * sim/bench — `npm run bench:sim`: the simulator's curves against the published figures, the same
 * curves measured through HTTP in real time, and the clock lag with 2,000 concurrent streams at time
 * scale 1 on this machine (the acceptance line: behind its own clock by no more than 5 %).
 *
 * Flags: --quick (shorter windows), --streams N (default 2000), --window-ms N (default 20000),
 * --time-scale X (lag sections only; default 1), --lag-only.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mean, runClosedLoop } from '../src/engine/workload.ts';
import { resolveEngineConfig, startSimulator } from '../src/index.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const STREAMS = flag('--streams', 2000);
const WINDOW_MS = flag('--window-ms', quick ? 8000 : 20000);
const TIME_SCALE = flag('--time-scale', 1);
const ONLY_LAG = args.includes('--lag-only');
const CLIENT = fileURLToPath(new URL('./stream-client.ts', import.meta.url));
const REFERENCE: Record<number, { tpotMs: number; ttftMs: number; tokS: number } | undefined> = {
  1: { tpotMs: 6.5, ttftMs: 14, tokS: 122 },
  4: { tpotMs: 6.6, ttftMs: 23, tokS: 580 },
  16: { tpotMs: 10.9, ttftMs: 42, tokS: 1384 },
};

interface ClientReport {
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  tokensPerSecond: number;
  ttftP50Ms: number;
  ttftP99Ms: number;
  tpotMeanMs: number;
}

function runClient(
  url: string,
  concurrency: number,
  durationMs: number,
  maxTokens: number,
): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLIENT, url, 'bench-model', String(concurrency), String(durationMs), String(maxTokens)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`client exited ${code}`)),
    );
  });
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function curveSection(): void {
  console.log(
    '== engine model (virtual clock), mistral-7b-h100, closed loop, 80-token prompts, 200-token replies',
  );
  console.log('streams | TPOT ms (ref) | TTFT ms (ref) | tok/s (ref)');
  const config = resolveEngineConfig('mistral-7b-h100');
  for (const users of [1, 4, 16, 64, 256]) {
    const r = runClosedLoop(config, { users, promptTokens: 80, outputTokens: 200, durationMs: 20_000 });
    const ref = REFERENCE[users];
    console.log(
      `${String(users).padStart(7)} | ${f(mean(r.requests.map((x) => x.tpotMs)), 2).padStart(6)} (${ref ? ref.tpotMs : '-'}) | ` +
        `${f(mean(r.requests.map((x) => x.ttftMs))).padStart(6)} (${ref ? ref.ttftMs : '-'}) | ${f(r.outputTokensPerSecond, 0).padStart(5)} (${ref ? ref.tokS : '-'})`,
    );
  }
}

async function httpCurveSection(): Promise<void> {
  console.log(
    '\n== through HTTP at time scale 1 (client in its own process): TPOT/TTFT as a client sees them',
  );
  console.log('streams | TPOT ms | TTFT p50 ms | tok/s');
  const sim = await startSimulator({ servedModelName: 'bench-model' });
  try {
    for (const users of [1, 4, 16, 64]) {
      const r = await runClient(sim.url, users, quick ? 2500 : 5000, 200);
      console.log(
        `${String(users).padStart(7)} | ${f(r.tpotMeanMs, 2).padStart(7)} | ${f(r.ttftP50Ms).padStart(11)} | ${f(r.tokensPerSecond, 0)}`,
      );
    }
  } finally {
    await sim.close();
  }
}

async function lagSection(label: string, maxNumSeqs: number | undefined): Promise<void> {
  const sim = await startSimulator({
    servedModelName: 'bench-model',
    timeScale: TIME_SCALE,
    engineOverrides: maxNumSeqs ? { maxNumSeqs } : {},
  });
  try {
    const warmupMs = 4000;
    const client = runClient(sim.url, STREAMS, warmupMs + WINDOW_MS, 256);
    await new Promise((r) => setTimeout(r, warmupMs));
    const s0 = sim.engineStats();
    const l0 = sim.clockLag();
    const w0 = performance.now();
    const cpu0 = process.cpuUsage();
    let maxRunning = 0;
    let maxWaiting = 0;
    const sampler = setInterval(() => {
      const s = sim.engineStats();
      maxRunning = Math.max(maxRunning, s.running);
      maxWaiting = Math.max(maxWaiting, s.waiting);
    }, 250);
    await new Promise((r) => setTimeout(r, WINDOW_MS - 200));
    clearInterval(sampler);
    const s1 = sim.engineStats();
    const l1 = sim.clockLag();
    const wallMs = performance.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    const report = await client;
    const busyMs = s1.busyMs - s0.busyMs;
    const behind = 1 - busyMs / (wallMs * TIME_SCALE);
    const timers = l1.timers - l0.timers;
    const meanLag = timers ? (l1.meanLagMs * l1.timers - l0.meanLagMs * l0.timers) / timers : 0;
    console.log(`\n== ${STREAMS} concurrent streams, time scale ${TIME_SCALE}, ${label}`);
    console.log(
      `running (max) ${maxRunning}, waiting (max) ${maxWaiting}, steps ${s1.steps - s0.steps}, tokens/s ${f(((s1.generationTokens - s0.generationTokens) * 1000) / wallMs, 0)}`,
    );
    console.log(
      `behind its own clock: ${f(behind * 100, 2)} % (engine busy ${f(busyMs, 0)} of ${f(wallMs, 0)} wall ms)`,
    );
    console.log(
      `clock lag (how late steps fired): now ${f(l1.lastLagMs, 1)} ms, mean ${f(meanLag, 2)} ms, max ${f(l1.maxLagMs, 1)} ms; simulator CPU ${f(((cpu.user + cpu.system) / 1000 / wallMs) * 100, 0)} % of one core`,
    );
    console.log(
      `client: ${report.requests} requests, ${report.errors} errors ${JSON.stringify(report.errorKinds)}, TTFT p50 ${f(report.ttftP50Ms, 0)} ms p99 ${f(report.ttftP99Ms, 0)} ms, TPOT ${f(report.tpotMeanMs, 1)} ms`,
    );
    console.log(`verdict: ${Math.abs(behind) <= 0.05 ? 'PASS' : 'FAIL'} (limit 5 %)`);
  } finally {
    await sim.close();
  }
}

if (!ONLY_LAG) {
  curveSection();
  await httpCurveSection();
}
await lagSection('default profile (256 running slots, the rest queued)', undefined);
await lagSection('max_num_seqs 2048 (all streams decoding at once)', 2048);
