/**
 * A gateway run as its own process, the way production runs it (`node gateway/src/main.ts` with a YAML
 * config), for end-to-end tests and benchmarks: write the config, spawn, wait for `/readyz`, stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { GatewayConfigInput } from '../config.ts';

const MAIN = join(import.meta.dirname, '..', 'main.ts');

/** Writes `config` as YAML into a fresh temporary directory; returns the file's path. */
export function writeGatewayConfig(config: GatewayConfigInput, prefix = 'switchyard-gateway-'): string {
  const file = join(mkdtempSync(join(tmpdir(), prefix)), 'gateway.yaml');
  writeFileSync(file, stringify(config));
  return file;
}

/** Options of {@link spawnGateway}. */
export interface SpawnGatewayOptions {
  /** Overrides `server.port` / `server.adminPort` of the file (env `PORT` / `ADMIN_PORT`). */
  port?: number;
  adminPort: number;
  env?: NodeJS.ProcessEnv;
  /** What happens to the gateway's stdout: captured as JSON log lines (default), or left to this process. */
  stdout?: 'capture' | 'inherit' | 'ignore';
  /** How long a cold start may take (several Node starts on a busy 2-core machine take a while). */
  readyTimeoutMs?: number;
}

/** A gateway process. */
export interface GatewayProcess {
  child: ChildProcess;
  adminUrl: string;
  /** The JSON log lines it wrote to stdout so far (with `stdout: 'capture'`). */
  logLines: Record<string, unknown>[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM (graceful drain), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `main.ts` with `configPath` and resolves once `/readyz` answers 200; rejects with its stderr if it exits. */
export async function spawnGateway(
  configPath: string,
  options: SpawnGatewayOptions,
): Promise<GatewayProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    GATEWAY_CONFIG: configPath,
    ADMIN_PORT: String(options.adminPort),
  };
  if (options.port !== undefined) env.PORT = String(options.port);
  const stdout = options.stdout ?? 'capture';
  const child = spawn(process.execPath, [MAIN], {
    env,
    stdio: ['ignore', stdout === 'capture' ? 'pipe' : stdout, 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logLines: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) logLines.push(JSON.parse(line));
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (child.exitCode === null && Date.now() < deadline) {
    try {
      if ((await fetch(`${adminUrl}/readyz`)).ok) return { child, adminUrl, logLines, exited, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the gateway process did not become ready: ${stderr.trim() || '(no output)'}`);
}
