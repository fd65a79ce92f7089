/**
 * `npm run bench:gateway`: the gateway's added cost, side by side in one run on loopback with a zero-delay
 * upstream reached directly and through nginx (upstream keep-alive) as the reverse-proxy baseline. Each proxy
 * runs twice: one process (gateway `server.workers: 1`, nginx `worker_processes 1`), and one per core
 * (`--workers`, default the available cores) for both, so every ratio compares equal numbers of processes.
 *
 * Prints, for non-streaming and streaming requests: p50/p99 at 1 request in flight and the added latency
 * over direct, also measured on the wire with tcpdump when it can capture here (`wire.ts`); the request
 * rate at 64 connections (with its p99 and errors) and the ratio to nginx with the same process count; then
 * 1,000 concurrent streams relayed by each proxy at one process per core (all complete? longest silence a
 * client saw? on the wire, when did the requests leave for the upstream and the first bytes reach clients?).
 *
 * Every target is measured in `--rounds` rounds, interleaved (round 1 of every target, then round 2, ...), so
 * a burst of machine noise hits every row rather than one; the table shows each figure's median over the
 * rounds, with the range of p99 @1 and of the rate beside it, and the load average before and after.
 *
 * Flags: --seconds N (per rate run, default 8), --latency-seconds N (default 5), --rounds N (default 3),
 * --warmup-seconds N (each target at 64 connections before the first round, default 5),
 * --streams N (default 1000), --workers N (default: available cores).
 * Needs wrk and nginx (Debian packages `wrk`, `nginx-light`); the wire column needs `tcpdump` and root.
 */

import { mkdtempSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, runWrk, type WrkResult, wrkScript } from '@switchyard/testkit';
import { cpuMs } from './cpu.ts';
import type { Child } from './processes.ts';
import { runConcurrentStreams } from './streams.ts';
import {
  type Lab,
  startGatewayProcess,
  startNginx,
  startNodeFloor,
  startUpstream,
  type Target,
} from './targets.ts';
import {
  addedLatencyFromDump,
  burstTimelineFromDump,
  captureUnavailable,
  startCapture,
  summarizeWire,
  type WireLatency,
} from './wire.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    'latency-seconds': { type: 'string', default: '5' },
    'warmup-seconds': { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    streams: { type: 'string', default: '1000' },
    workers: { type: 'string', default: String(availableParallelism()) },
  },
});
const workers = Number(values.workers);
const rateSeconds = Number(values.seconds);
const latencySeconds = Number(values['latency-seconds']);
const warmupSeconds = Number(values['warmup-seconds']);
const rounds = Math.max(1, Number(values.rounds));
const streamCount = Number(values.streams);
const work = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
const children: Child[] = [];
const lab: Lab = { work, children };
/** The gateway's upstream pool: room for every stream of the burst. */
const connections = Math.max(256, streamCount);
/** Why added latency cannot be measured on the wire here (no tcpdump, no capture rights), if so. */
const noCapture = captureUnavailable();

/** One round's figures for one target. */
interface Sample {
  latency: WrkResult;
  /** The same 1-in-flight run seen by tcpdump: the proxy's own added time per request (`wire.ts`). */
  wire?: WireLatency;
  rate: WrkResult;
  /** CPU the proxy's processes spent per request during the rate run, microseconds. */
  cpuPerRequestUs: number;
}

/** A target's row: medians over the rounds, and the range of the noisiest figures. */
interface Row {
  path: string;
  processes: number;
  p50: number;
  p99: number;
  p99Range: [number, number];
  rps: number;
  rpsRange: [number, number];
  p99At64: number;
  errors: number;
  cpuPerRequestUs: number;
  /** Medians over the rounds of the added latency on the wire, and the range of its p99. */
  wire?: { p50: number; p99: number; p99Range: [number, number] };
}

function summarize(path: string, processes: number, samples: Sample[]): Row {
  const p99s = samples.map((s) => s.latency.p99);
  const rates = samples.map((s) => s.rate.rps);
  const wires = samples.flatMap((s) => (s.wire ? [s.wire] : []));
  const wireP99s = wires.map((w) => w.p99Us);
  return {
    path,
    processes,
    p50: median(samples.map((s) => s.latency.p50)),
    p99: median(p99s),
    p99Range: [Math.min(...p99s), Math.max(...p99s)],
    rps: median(rates),
    rpsRange: [Math.min(...rates), Math.max(...rates)],
    p99At64: median(samples.map((s) => s.rate.p99)),
    errors: samples.reduce((n, s) => n + s.latency.errors + s.rate.errors, 0),
    cpuPerRequestUs: median(samples.map((s) => s.cpuPerRequestUs)),
    wire:
      wires.length === 0
        ? undefined
        : {
            p50: median(wires.map((w) => w.p50Us)),
            p99: median(wireP99s),
            p99Range: [Math.min(...wireP99s), Math.max(...wireP99s)],
          },
  };
}

const us = (n: number) => `${Math.round(n)} µs`;
const pad = (s: string, n: number) => s.padEnd(n);
const range = ([lo, hi]: [number, number], unit: (n: number) => string) =>
  rounds > 1 ? ` (${unit(lo)}–${unit(hi)})` : '';

function printTable(title: string, rows: Row[]): void {
  const direct = rows.find((r) => r.path === 'direct')!;
  console.log(`\n## ${title}\n`);
  console.log(
    '| path | processes | p50 @1 | p99 @1 | added p50 | added p99 | added p50 / p99 on the wire | req/s @64 | p99 @64 | errors | ratio to nginx | CPU per request |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const nginx =
      rows.find((n) => n.path === 'nginx' && n.processes === r.processes) ??
      rows.find((n) => n.path === 'nginx')!;
    const added50 = r.path === 'direct' ? '-' : us(r.p50 - direct.p50);
    const added99 = r.path === 'direct' ? '-' : us(r.p99 - direct.p99);
    const wire = r.wire ? `${us(r.wire.p50)} / ${us(r.wire.p99)}${range(r.wire.p99Range, us)}` : '-';
    const rps = `${Math.round(r.rps)}${range(r.rpsRange, (n) => String(Math.round(n)))}`;
    console.log(
      `| ${pad(r.path, 10)} | ${r.processes} | ${us(r.p50)} | ${us(r.p99)}${range(r.p99Range, us)} | ${added50} | ${added99} | ${wire} | ${rps} | ${(
        r.p99At64 / 1000
      ).toFixed(1)} ms | ${r.errors} | ${(r.rps / nginx.rps).toFixed(2)}x | ${us(r.cpuPerRequestUs)} |`,
    );
  }
}

async function measure(targets: [string, Target][], body: string, name: string): Promise<Row[]> {
  const script = wrkScript(work, name, body);
  const samples = targets.map((): Sample[] => []);
  // Warm every target up under load first, as a replica that has served traffic: V8 keeps tiering a Node
  // proxy's hot path up for seconds, and a cold first round showed twice the p99 of later ones.
  for (const [, target] of targets) {
    await runWrk(`http://127.0.0.1:${target.port}/v1/chat/completions`, script, 64, warmupSeconds);
  }
  for (let round = 1; round <= rounds; round++) {
    for (const [i, [path, target]] of targets.entries()) {
      const url = `http://127.0.0.1:${target.port}/v1/chat/completions`;
      await runWrk(url, script, 1, 1); // warm-up: connections, JIT
      const ports = { proxy: target.port, upstream: targets[0]![1].port };
      const capture =
        noCapture || path === 'direct'
          ? undefined
          : await startCapture(join(work, `${name}-${i}-${round}.pcap`), ports);
      const latency = await runWrk(url, script, 1, latencySeconds);
      const wire = capture ? summarizeWire(addedLatencyFromDump(await capture.stop(), ports)) : undefined;
      const cpuBefore = cpuMs(target.pid);
      const rate = await runWrk(url, script, 64, rateSeconds);
      const cpuPerRequestUs = ((cpuMs(target.pid) - cpuBefore) * 1000) / Math.max(1, rate.requests);
      samples[i]!.push({ latency, wire, rate, cpuPerRequestUs });
      const onWire = wire ? ` (added on the wire: p50 ${us(wire.p50Us)}, p99 ${us(wire.p99Us)})` : '';
      process.stderr.write(
        `  ${name} round ${round}/${rounds} ${path} x${target.processes}: p50 ${us(latency.p50)}, p99 ${us(latency.p99)}${onWire}, ${Math.round(rate.rps)} req/s\n`,
      );
    }
  }
  return targets.map(([path, target], i) => summarize(path, target.processes, samples[i]!));
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  console.log(`# Gateway proxy benchmark (loopback, ${new Date().toISOString()})`);
  console.log(
    `wrk -t1; each target warmed up at 64 connections for ${warmupSeconds} s, then latency at 1 connection for ${latencySeconds} s and rate at 64 connections for ${rateSeconds} s; ${rounds} interleaved round(s), medians shown (range in brackets). Load average at start: ${load()}.`,
  );
  console.log(
    `Gateway: access log off, auth off, no per-endpoint concurrency cap (as nginx). ${availableParallelism()} cores shared by wrk, the upstream and the proxy.`,
  );
  console.log(
    'CPU per request: the proxy processes own CPU time during the rate run over its requests (for direct: the upstream).',
  );
  console.log(
    'node-floor: node:http in, undici dispatch out, nothing else (no validation, auth, limits, routing, metrics, tracing): the floor of any Node proxy here.',
  );
  console.log(
    noCapture
      ? `Added latency on the wire: not measured, ${noCapture}.`
      : "Added p50/p99 on the wire: tcpdump on loopback during the 1-in-flight run; per request, the time from the request's first byte into the proxy to the response's last byte out of it, minus the upstream's time (wire.ts). Unlike wrk's figures it leaves out wrk's and the upstream's own wake-ups.",
  );
  const upstream = await startUpstream(lab);
  const targets: [string, Target][] = [
    ['direct', upstream],
    ['node-floor', await startNodeFloor(lab, upstream.port)],
  ];
  for (const n of workers === 1 ? [1] : [1, workers]) {
    targets.push(['gateway', await startGatewayProcess(lab, upstream.port, n, connections)]);
    targets.push(['nginx', await startNginx(lab, upstream.port, n)]);
  }

  const chat = { model: 'bench', messages: [{ role: 'user', content: 'Say ok.' }], max_tokens: 8 };
  const plain = await measure(targets, JSON.stringify(chat), 'plain');
  printTable('Non-streaming chat completion (230-byte response)', plain);
  const streamed = await measure(targets, JSON.stringify({ ...chat, stream: true }), 'stream');
  printTable('Streaming chat completion (8 content events + usage + [DONE])', streamed);

  const slow = await startUpstream(lab, ['--chunks', '20', '--interval-ms', '50']);
  const slowTargets = {
    gateway: await startGatewayProcess(lab, slow.port, workers, connections),
    nginx: await startNginx(lab, slow.port, workers),
  };
  console.log(
    `\n## ${streamCount} concurrent streams (20 events 50 ms apart + usage + [DONE]), ${workers} process(es) each\n`,
  );
  console.log(
    'Each proxy gets the burst twice: `cold` right after it started (a Node process still compiling its hot path, no',
  );
  console.log(
    'upstream connection pooled yet), then `warm` (the connections of the first burst kept alive, as in a replica that has run).',
  );
  console.log(
    noCapture
      ? ''
      : "On the wire (tcpdump): when the requests left the proxy for the upstream, and when their first bytes reached the clients, p50 / p99 in ms after the burst's first request reached the proxy.\n",
  );
  console.log(
    '| path | run | completed | first chunk, p99 / longest wait | longest silence between chunks | p99 of per-stream longest silence | wall time | on the wire: sent upstream / first byte out |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const gatewayStreams: string[] = [];
  for (const [path, target] of Object.entries(slowTargets)) {
    for (const run of ['cold', 'warm']) {
      const ports = { proxy: target.port, upstream: slow.port };
      const capture = noCapture
        ? undefined
        : await startCapture(join(work, `burst-${path}-${run}.pcap`), ports);
      const r = await runConcurrentStreams(
        `http://127.0.0.1:${target.port}/v1/chat/completions`,
        streamCount,
        21,
      );
      const t = capture ? burstTimelineFromDump(await capture.stop(), ports) : undefined;
      const onWire = t
        ? `${t.upstreamSentP50Ms.toFixed(0)} / ${t.upstreamSentP99Ms.toFixed(0)}, ${t.firstByteOutP50Ms.toFixed(0)} / ${t.firstByteOutP99Ms.toFixed(0)} ms`
        : '-';
      console.log(
        `| ${path} | ${run} | ${r.completed}/${r.streams} | ${r.p99FirstChunkMs.toFixed(0)} / ${r.maxFirstChunkMs.toFixed(0)} ms | ${r.maxGapMs.toFixed(0)} ms | ${r.p99GapMs.toFixed(0)} ms | ${r.seconds.toFixed(1)} s | ${onWire} |`,
      );
      if (path === 'gateway')
        gatewayStreams.push(
          `${run} ${r.completed}/${r.streams}, longest silence ${r.maxGapMs.toFixed(0)} ms`,
        );
    }
  }
  console.log(`\nLoad average at the end: ${load()}.`);
  printGoals(plain, streamed, gatewayStreams);
}

/** The three goals against this run's medians, gateway rows only. */
function printGoals(plain: Row[], streamed: Row[], gatewayStreams: string[]): void {
  const per = (rows: Row[], f: (gateway: Row, nginx: Row) => string) =>
    rows
      .filter((r) => r.path === 'gateway')
      .map(
        (g) =>
          `x${g.processes} ${f(g, rows.find((n) => n.path === 'nginx' && n.processes === g.processes)!)}`,
      )
      .join(', ');
  const wire = (g: Row) => (g.wire ? us(g.wire.p99) : 'not measured');
  console.log('\n## Goals (gateway, medians of this run)\n');
  console.log(
    `- Added p99 at 1 in flight < 0.5 ms, on the wire: non-streaming ${per(plain, wire)}; streaming ${per(streamed, wire)}. (wrk's difference of p99s: non-streaming ${per(plain, (g) => us(g.p99 - plain[0]!.p99))}.)`,
  );
  const ratio = (g: Row, n: Row) => `${(g.rps / n.rps).toFixed(2)}x`;
  console.log(
    `- Rate >= 0.5x nginx's: non-streaming ${per(plain, ratio)}; streaming ${per(streamed, ratio)}.`,
  );
  console.log(`- ${streamCount} streams without a stall (events 50 ms apart): ${gatewayStreams.join('; ')}.`);
}

main()
  .catch((error: unknown) => {
    console.error(`bench:gateway failed: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map((c) => c.stop()));
  });
