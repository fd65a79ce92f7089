/**
 * The processes of the proxy benchmarks, started on free loopback ports: the zero-delay upstream, the bare
 * node:http + undici floor, the gateway (one process or one per worker) and nginx. Each started process is
 * added to the lab's `children`, for the caller to stop.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, nginxProxyConfig } from '@switchyard/testkit';
import { asChild, type Child, spawnReady, waitForHttp } from './processes.ts';

const root = resolve(import.meta.dirname, '..', '..');

/** Where a benchmark keeps its files and the processes it started. */
export interface Lab {
  work: string;
  children: Child[];
}

/** A proxy (or the upstream) under test: where it listens, its main pid, how many processes serve. */
export interface Target {
  port: number;
  pid: number;
  processes: number;
}

/** The zero-delay upstream (`zero-upstream.ts`); `extra` are its flags. */
export async function startUpstream(lab: Lab, extra: string[] = []): Promise<Target> {
  const { child, ready } = await spawnReady<{ port: number }>(process.execPath, [
    join(import.meta.dirname, 'zero-upstream.ts'),
    ...extra,
  ]);
  lab.children.push(child);
  return { port: ready.port, pid: child.process.pid!, processes: 1 };
}

/** The bare node:http + undici proxy (`node-floor.ts`): what any Node proxy costs here before doing anything. */
export async function startNodeFloor(lab: Lab, upstreamPort: number): Promise<Target> {
  const { child, ready } = await spawnReady<{ port: number }>(process.execPath, [
    join(import.meta.dirname, 'node-floor.ts'),
    '--upstream',
    String(upstreamPort),
  ]);
  lab.children.push(child);
  return { port: ready.port, pid: child.process.pid!, processes: 1 };
}

/**
 * The gateway in front of the upstream with `processes` serving processes, configured as the benchmark
 * compares it with nginx; `connections` is its upstream pool per endpoint.
 */
export async function startGatewayProcess(
  lab: Lab,
  upstreamPort: number,
  processes: number,
  connections = 256,
): Promise<Target> {
  const port = await freePort();
  const adminPort = await freePort();
  const config = join(lab.work, `gateway-${upstreamPort}-${processes}.yaml`);
  writeFileSync(
    config,
    [
      'auth: { mode: disabled }',
      'logging: { level: warn, accessLog: false }',
      // The zero-delay upstream is not an engine: no per-endpoint concurrency cap, as nginx has none (neither
      // admission's nor the upstream pool's, whose default of 256 connections per pod would queue streams).
      'admission: { maxConcurrency: 100000 }',
      `upstream: { connectionsPerEndpoint: ${connections} }`,
      // Nor is there an engine's /metrics to read: a scrape would only be one more request to the upstream
      // each second, counted by the burst timeline as a forwarded stream.
      'routing: { scrape: { intervalMs: 0 } }',
      `server: { port: ${port}, adminPort: ${adminPort}, workers: ${processes} }`,
      'endpoints:',
      `  - { id: up, url: "http://127.0.0.1:${upstreamPort}", model: bench }`,
    ].join('\n'),
  );
  const proc = spawn(process.execPath, [join(root, 'gateway/src/main.ts')], {
    env: { ...process.env, GATEWAY_CONFIG: config },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  lab.children.push(asChild(proc));
  await waitForHttp(`http://127.0.0.1:${adminPort}/readyz`);
  return { port, pid: proc.pid!, processes };
}

/** nginx as a keep-alive reverse proxy with `processes` workers (Debian's `nginx-light`). */
export async function startNginx(lab: Lab, upstreamPort: number, processes: number): Promise<Target> {
  const port = await freePort();
  const dir = mkdtempSync(join(lab.work, 'nginx-'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    nginxProxyConfig({ dir, upstream: `127.0.0.1:${upstreamPort}`, port, workers: processes }),
  );
  const proc = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  lab.children.push(asChild(proc, 'SIGQUIT'));
  await waitForHttp(`http://127.0.0.1:${port}/`);
  return { port, pid: proc.pid!, processes };
}
