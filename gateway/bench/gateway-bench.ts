/**
 * `npm run bench:gateway`: the gateway's added cost, side by side in one run on loopback with a zero-delay
 * upstream reached directly and through nginx (upstream keep-alive) as the reverse-proxy baseline. Each proxy
 * runs twice: one process (gateway `server.workers: 1`, nginx `worker_processes 1`), and one per core
 * (`--workers`, default the available cores) for both, so every ratio compares equal numbers of processes.
 *
 * Prints, for non-streaming and streaming requests: p50/p99 at 1 request in flight and the added latency
 * over direct; the request rate at 64 connections (with its p99 and errors) and the ratio to nginx with the
 * same process count; then 1,000 concurrent streams relayed by each proxy at one process per core (all
 * complete? longest silence a client saw).
 *
 * Flags: --seconds N (per rate run, default 8), --latency-seconds N (default 5), --streams N (default 1000),
 * --workers N (default: available cores).
 * Needs wrk and nginx (Debian packages `wrk`, `nginx-light`).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { nginxProxyConfig, runWrk, type WrkResult, wrkScript } from '@switchyard/testkit';
import { cpuMs } from './cpu.ts';
import { asChild, type Child, spawnReady, waitForHttp } from './processes.ts';
import { runConcurrentStreams } from './streams.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    'latency-seconds': { type: 'string', default: '5' },
    streams: { type: 'string', default: '1000' },
    workers: { type: 'string', default: String(availableParallelism()) },
  },
});
const workers = Number(values.workers);
const rateSeconds = Number(values.seconds);
const latencySeconds = Number(values['latency-seconds']);
const streamCount = Number(values.streams);
const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
const children: Child[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function startUpstream(extra: string[] = []): Promise<Target> {
  const { child, ready } = await spawnReady<{ port: number }>(process.execPath, [
    join(import.meta.dirname, 'zero-upstream.ts'),
    ...extra,
  ]);
  children.push(child);
  return { port: ready.port, pid: child.process.pid!, processes: 1 };
}

/** The bare node:http + undici proxy (`node-floor.ts`): what any Node proxy costs here before doing anything. */
async function startNodeFloor(upstreamPort: number): Promise<Target> {
  const { child, ready } = await spawnReady<{ port: number }>(process.execPath, [
    join(import.meta.dirname, 'node-floor.ts'),
    '--upstream',
    String(upstreamPort),
  ]);
  children.push(child);
  return { port: ready.port, pid: child.process.pid!, processes: 1 };
}

async function startGatewayProcess(upstreamPort: number, processes: number): Promise<Target> {
  const port = await freePort();
  const adminPort = await freePort();
  const config = join(work, `gateway-${upstreamPort}-${processes}.yaml`);
  writeFileSync(
    config,
    [
      'auth: { mode: disabled }',
      'logging: { level: warn, accessLog: false }',
      // The zero-delay upstream is not an engine: no per-endpoint concurrency cap, as nginx has none.
      'admission: { maxConcurrency: 100000 }',
      `server: { port: ${port}, adminPort: ${adminPort}, workers: ${processes} }`,
      'endpoints:',
      `  - { id: up, url: "http://127.0.0.1:${upstreamPort}", model: bench }`,
    ].join('\n'),
  );
  const proc = spawn(process.execPath, [join(root, 'gateway/src/main.ts')], {
    env: { ...process.env, GATEWAY_CONFIG: config },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(asChild(proc));
  await waitForHttp(`http://127.0.0.1:${adminPort}/readyz`);
  return { port, pid: proc.pid!, processes };
}

async function startNginx(upstreamPort: number, processes: number): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(join(work, 'nginx-'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    nginxProxyConfig({ dir, upstream: `127.0.0.1:${upstreamPort}`, port, workers: processes }),
  );
  const proc = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(asChild(proc, 'SIGQUIT'));
  await waitForHttp(`http://127.0.0.1:${port}/`);
  return { port, pid: proc.pid!, processes };
}

/** A proxy under test: where it listens, its main pid (CPU is summed over its process tree), how many processes serve. */
interface Target {
  port: number;
  pid: number;
  processes: number;
}

interface Row {
  path: string;
  processes: number;
  latency: WrkResult;
  rate: WrkResult;
  /** CPU the process itself spent per request during the rate run, microseconds. */
  cpuPerRequestUs: number;
}

const us = (n: number) => `${Math.round(n)} µs`;
const pad = (s: string, n: number) => s.padEnd(n);

function printTable(title: string, rows: Row[]): void {
  const direct = rows.find((r) => r.path === 'direct')!;
  console.log(`\n## ${title}\n`);
  console.log(
    '| path | processes | p50 @1 | p99 @1 | added p50 | added p99 | req/s @64 | p99 @64 | errors | ratio to nginx | CPU per request |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const nginx =
      rows.find((n) => n.path === 'nginx' && n.processes === r.processes) ??
      rows.find((n) => n.path === 'nginx')!;
    const added50 = r.path === 'direct' ? '-' : us(r.latency.p50 - direct.latency.p50);
    const added99 = r.path === 'direct' ? '-' : us(r.latency.p99 - direct.latency.p99);
    const errors = r.latency.errors + r.rate.errors;
    console.log(
      `| ${pad(r.path, 10)} | ${r.processes} | ${us(r.latency.p50)} | ${us(r.latency.p99)} | ${added50} | ${added99} | ${Math.round(
        r.rate.rps,
      )} | ${(r.rate.p99 / 1000).toFixed(1)} ms | ${errors} | ${(r.rate.rps / nginx.rate.rps).toFixed(2)}x | ${us(
        r.cpuPerRequestUs,
      )} |`,
    );
  }
}

async function measure(targets: [string, Target][], body: string, name: string): Promise<Row[]> {
  const script = wrkScript(work, name, body);
  const rows: Row[] = [];
  for (const [path, target] of targets) {
    const url = `http://127.0.0.1:${target.port}/v1/chat/completions`;
    await runWrk(url, script, 1, 1); // warm-up: connections, JIT
    const latency = await runWrk(url, script, 1, latencySeconds);
    const cpuBefore = cpuMs(target.pid);
    const rate = await runWrk(url, script, 64, rateSeconds);
    const cpuPerRequestUs = ((cpuMs(target.pid) - cpuBefore) * 1000) / Math.max(1, rate.requests);
    rows.push({ path, processes: target.processes, latency, rate, cpuPerRequestUs });
    process.stderr.write(
      `  ${name} ${path} x${target.processes}: p50 ${us(latency.p50)}, ${Math.round(rate.rps)} req/s\n`,
    );
  }
  return rows;
}

async function main(): Promise<void> {
  console.log(`# Gateway proxy benchmark (loopback, ${new Date().toISOString()})`);
  console.log(
    `wrk -t1; latency at 1 connection for ${latencySeconds} s; rate at 64 connections for ${rateSeconds} s.`,
  );
  console.log(
    `Gateway: access log off, auth off, no per-endpoint concurrency cap (as nginx). ${availableParallelism()} cores shared by wrk, the upstream and the proxy.`,
  );
  console.log(
    'CPU per request: the proxy processes own CPU time during the rate run over its requests (for direct: the upstream).',
  );
  console.log(
    'node-floor: node:http in, undici out, nothing else (no validation, auth, limits, routing, metrics, tracing): the floor of any Node proxy here.',
  );
  const upstream = await startUpstream();
  const targets: [string, Target][] = [
    ['direct', upstream],
    ['node-floor', await startNodeFloor(upstream.port)],
  ];
  for (const n of workers === 1 ? [1] : [1, workers]) {
    targets.push(['gateway', await startGatewayProcess(upstream.port, n)]);
    targets.push(['nginx', await startNginx(upstream.port, n)]);
  }

  const chat = { model: 'bench', messages: [{ role: 'user', content: 'Say ok.' }], max_tokens: 8 };
  printTable(
    'Non-streaming chat completion (230-byte response)',
    await measure(targets, JSON.stringify(chat), 'plain'),
  );
  printTable(
    'Streaming chat completion (8 content events + usage + [DONE])',
    await measure(targets, JSON.stringify({ ...chat, stream: true }), 'stream'),
  );

  const slow = await startUpstream(['--chunks', '20', '--interval-ms', '50']);
  const slowTargets = {
    gateway: await startGatewayProcess(slow.port, workers),
    nginx: await startNginx(slow.port, workers),
  };
  console.log(
    `\n## ${streamCount} concurrent streams (20 events 50 ms apart + usage + [DONE]), ${workers} process(es) each\n`,
  );
  console.log('| path | completed | longest silence seen | p99 of per-stream longest silence | wall time |');
  console.log('|---|---|---|---|---|');
  for (const [path, target] of Object.entries(slowTargets)) {
    const r = await runConcurrentStreams(
      `http://127.0.0.1:${target.port}/v1/chat/completions`,
      streamCount,
      21,
    );
    console.log(
      `| ${path} | ${r.completed}/${r.streams} | ${r.maxGapMs.toFixed(0)} ms | ${r.p99GapMs.toFixed(0)} ms | ${r.seconds.toFixed(1)} s |`,
    );
  }
  console.log(
    '\nGoals: added p99 at 1 in flight < 0.5 ms; rate >= 0.5x nginx; 1,000 streams without a stall.',
  );
}

main()
  .catch((error: unknown) => {
    console.error(`bench:gateway failed: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map((c) => c.stop()));
  });
