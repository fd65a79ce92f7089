/**
 * `npm run bench:peers`: this gateway beside other gateways, in one run, in front of the same simulated
 * vLLM (its own process): direct (no proxy), this gateway, nginx (baseline), the Portkey gateway (npm),
 * the LiteLLM proxy (PyPI) and vLLM's router (PyPI). Peers are installed into a cache
 * (~/.cache/switchyard/peers); one that does not install or start is reported as such, never dropped.
 *
 * Per path: p50/p99 at 1 request in flight and the added latency over direct (wrk, non-streaming
 * chat completion of one token, simulator at 1000x time scale: one engine step, ~3 ms on an idle machine); the sustained
 * rate at 64 connections and its ratio to nginx; then N concurrent streams (simulator in real time):
 * how many complete and the longest silence a client saw mid-stream.
 *
 * Flags: --seconds N (rate run, default 8), --latency-seconds N (default 5), --streams N (default 500),
 * --only a,b (paths to run; direct and nginx are always included). Needs wrk and nginx (Debian).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, runWrk, wrkScript } from '@switchyard/testkit';
import { PATHS, type StartedPath } from './peers/catalog.ts';
import { ensurePeer, type PeerInstall } from './peers/install.ts';
import { type Child, spawnLogged, waitForHttp } from './peers/processes.ts';
import { runConcurrentStreams } from './peers/streams.ts';
import { type PeerRow, renderPeersTable } from './peers/table.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    'latency-seconds': { type: 'string', default: '5' },
    streams: { type: 'string', default: '500' },
    only: { type: 'string' },
  },
});
const rateSeconds = Number(values.seconds);
const latencySeconds = Number(values['latency-seconds']);
const streamCount = Number(values.streams);
const only = values.only ? new Set(['direct', 'nginx', ...values.only.split(',')]) : undefined;
const MODEL = 'bench';
const root = resolve(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'bench-peers-'));
const children: Child[] = [];

async function startSim(tag: string, extra: string[]): Promise<string> {
  const port = await freePort();
  const child = spawnLogged(
    process.execPath,
    [
      join(root, 'sim/src/main.ts'),
      '--served-model-name',
      MODEL,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...extra,
    ],
    join(work, `sim-${tag}.log`),
  );
  children.push(child);
  await waitForHttp(`http://127.0.0.1:${port}/health`, child, 30_000);
  return `http://127.0.0.1:${port}`;
}

async function startPath(
  name: string,
  upstream: string,
  tag: string,
  install?: PeerInstall,
): Promise<StartedPath> {
  const def = PATHS.find((p) => p.name === name)!;
  const started = await def.start(
    { upstream, model: MODEL, work, install: install?.status === 'installed' ? install : undefined },
    tag,
  );
  if (started.child) children.push(started.child);
  return started;
}

async function stopPath(p: StartedPath): Promise<void> {
  await p.child?.stop();
}

async function main(): Promise<void> {
  console.log(`# Gateways side by side (loopback, ${new Date().toISOString()})`);
  const paths = PATHS.filter((p) => !only || only.has(p.name));
  const rows = new Map<string, PeerRow>(paths.map((p) => [p.name, { path: p.name, status: 'ok' }]));
  const installs = new Map<string, PeerInstall>();
  for (const p of paths.filter((d) => d.package)) {
    process.stderr.write(`installing ${p.name} (${p.package!.registry} ${p.package!.package})...\n`);
    const result = await ensurePeer(p.package!);
    installs.set(p.name, result);
    const row = rows.get(p.name)!;
    if (result.status === 'installed') row.version = result.version;
    else Object.assign(row, { status: 'install failed', reason: result.reason });
  }
  const runnable = paths.filter((p) => rows.get(p.name)!.status === 'ok');

  // Latency and rate: the engine at 1000x time scale, so what is measured is mostly the path.
  const fast = await startSim('fast', ['--time-scale', '1000', '--max-num-seqs', '512']);
  const chat = { model: MODEL, messages: [{ role: 'user', content: 'Say ok.' }], max_tokens: 1 };
  for (const p of runnable) {
    const row = rows.get(p.name)!;
    let started: StartedPath | undefined;
    try {
      started = await startPath(p.name, fast, 'fast', installs.get(p.name));
      const script = wrkScript(work, `plain-${p.name}`, JSON.stringify(chat), started.headers);
      await runWrk(started.url, script, 1, 1); // warm-up
      row.latency = await runWrk(started.url, script, 1, latencySeconds);
      row.rate = await runWrk(started.url, script, 64, rateSeconds);
      process.stderr.write(`  ${p.name}: p50 ${row.latency.p50} µs, ${Math.round(row.rate.rps)} req/s\n`);
    } catch (error) {
      Object.assign(row, { status: 'start failed', reason: (error as Error).message.slice(0, 200) });
    } finally {
      if (started) await stopPath(started);
    }
  }

  // Streams: the engine in real time, room for every stream in one batch.
  const real = await startSim('real', ['--max-num-seqs', String(Math.max(256, streamCount * 2))]);
  const streamBody = JSON.stringify({ ...chat, max_tokens: 20, stream: true });
  for (const p of runnable.filter((d) => rows.get(d.name)!.status === 'ok')) {
    const row = rows.get(p.name)!;
    let started: StartedPath | undefined;
    try {
      started = await startPath(p.name, real, 'real', installs.get(p.name));
      await runConcurrentStreams(started.url, started.headers, streamBody, 4); // warm-up
      row.streams = await runConcurrentStreams(started.url, started.headers, streamBody, streamCount);
      process.stderr.write(
        `  ${p.name}: ${row.streams.completed}/${streamCount} streams, longest gap ${row.streams.maxGapMs.toFixed(0)} ms\n`,
      );
    } catch (error) {
      Object.assign(row, { status: 'streams failed', reason: (error as Error).message.slice(0, 200) });
    } finally {
      if (started) await stopPath(started);
    }
  }

  console.log(
    `wrk -t1; latency at 1 connection for ${latencySeconds} s; rate at 64 connections for ${rateSeconds} s; ` +
      `${streamCount} concurrent streams of 20 tokens. One process per path; 2 cores shared with the load generator and the engine.\n`,
  );
  console.log(renderPeersTable([...rows.values()]));
  console.log(`\nLogs and configs: ${work}`);
}

main()
  .catch((error: unknown) => {
    console.error(`bench:peers failed: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map((c) => c.stop()));
  });
