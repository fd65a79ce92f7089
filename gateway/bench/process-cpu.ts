/**
 * Where the CPU of a proxy's rate run goes, process by process: the proxy's main process and each of its
 * workers, the upstream, and the rest of the machine (wrk, interrupts, anything else running), with how idle the
 * machine stayed. It shows what the rate bench's single "CPU per request" figure sums up, for example why a
 * second gateway worker adds little rate on two cores (ADR 0002, eighth pass).
 *
 *   node gateway/bench/process-cpu.ts [--target gateway|nginx|node-floor] [--workers N] [--seconds S]
 *     [--warmup-seconds S] [--stream]
 *
 * Needs wrk (and nginx for `--target nginx`).
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runWrk, wrkScript } from '@switchyard/testkit';
import { childPids, machineCpuMs, ownCpuMs } from './cpu.ts';
import { type Lab, startGatewayProcess, startNginx, startNodeFloor, startUpstream } from './targets.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'gateway' },
    workers: { type: 'string', default: String(availableParallelism()) },
    seconds: { type: 'string', default: '6' },
    'warmup-seconds': { type: 'string', default: '5' },
    stream: { type: 'boolean', default: false },
  },
});
const target = values.target;
if (target !== 'gateway' && target !== 'nginx' && target !== 'node-floor') {
  console.error(`--target must be gateway, nginx or node-floor, not ${target}`);
  process.exit(2);
}
const workers = Number(values.workers);
const seconds = Number(values.seconds);
const lab: Lab = { work: mkdtempSync(join(tmpdir(), 'bench-process-cpu-')), children: [] };

async function main(): Promise<void> {
  const upstream = await startUpstream(lab);
  const proxy =
    target === 'gateway'
      ? await startGatewayProcess(lab, upstream.port, workers)
      : target === 'nginx'
        ? await startNginx(lab, upstream.port, workers)
        : await startNodeFloor(lab, upstream.port);
  const chat = { model: 'bench', messages: [{ role: 'user', content: 'Say ok.' }], max_tokens: 8 };
  const script = wrkScript(
    lab.work,
    'load',
    JSON.stringify(values.stream ? { ...chat, stream: true } : chat),
  );
  const url = `http://127.0.0.1:${proxy.port}/v1/chat/completions`;
  await runWrk(url, script, 64, Number(values['warmup-seconds']));

  const processes: [string, number][] = [
    [`${target} main`, proxy.pid],
    ...childPids(proxy.pid).map((pid, i): [string, number] => [`${target} worker ${i + 1}`, pid]),
    ['upstream', upstream.pid],
  ];
  const before = processes.map(([, pid]) => ownCpuMs(pid));
  const machineBefore = machineCpuMs();
  const rate = await runWrk(url, script, 64, seconds);
  const machineAfter = machineCpuMs();
  const used = processes.map(([, pid], i) => ownCpuMs(pid) - before[i]!);

  const elapsedMs = (machineAfter.total - machineBefore.total) / availableParallelism();
  const busyMs = machineAfter.total - machineBefore.total - (machineAfter.idle - machineBefore.idle);
  const perRequest = (ms: number) => `${((ms * 1000) / Math.max(1, rate.requests)).toFixed(1)} µs`;
  const cores = (ms: number) => (ms / elapsedMs).toFixed(2);
  console.log(
    `# ${target}, ${proxy.processes} process(es), ${values.stream ? 'streaming' : 'non-streaming'}: ${Math.round(rate.rps)} req/s at 64 connections over ${seconds} s, ${rate.errors} errors, ${availableParallelism()} cores\n`,
  );
  console.log('| process | CPU per request | cores |');
  console.log('|---|---|---|');
  for (const [i, [name]] of processes.entries()) {
    console.log(`| ${name} | ${perRequest(used[i]!)} | ${cores(used[i]!)} |`);
  }
  const rest = busyMs - used.reduce((a, b) => a + b, 0);
  console.log(`| the rest (wrk, interrupts, anything else) | ${perRequest(rest)} | ${cores(rest)} |`);
  const idle = ((machineAfter.idle - machineBefore.idle) * 100) / (machineAfter.total - machineBefore.total);
  console.log(`\nMachine idle: ${idle.toFixed(1)} %.`);
}

try {
  await main();
} finally {
  await Promise.all(lab.children.map((c) => c.stop()));
}
