/** Child processes for the peer benchmark: spawn with a log file, wait until an HTTP URL answers, stop for sure. */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A started process. */
export interface Child {
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

/** Spawns `command` with its output in `logFile`; `stop` sends `signal`, then SIGKILL after 3 s. */
export function spawnLogged(
  command: string,
  args: string[],
  logFile: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: NodeJS.Signals } = {},
): Child {
  const fd = openSync(logFile, 'a');
  const proc = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', fd, fd],
    detached: true, // its own process group, so helpers it starts stop with it
  });
  closeSync(fd);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      const kill = (sig: NodeJS.Signals) => {
        try {
          process.kill(-proc.pid!, sig);
        } catch {
          proc.kill(sig);
        }
      };
      kill(options.signal ?? 'SIGTERM');
      setTimeout(() => kill('SIGKILL'), 3000).unref();
    });
  return { process: proc, logFile, stop };
}

/** Polls `url` until it answers with a status below 500, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(
  url: string,
  child: Child | undefined,
  timeoutMs = 60_000,
  init?: RequestInit,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.process.exitCode !== null)
      throw new Error(`exited (${child.process.exitCode}) before ready: ${tail(child.logFile)}`);
    try {
      const r = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
      await r.body?.cancel();
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} not ready in ${timeoutMs / 1000} s: ${child ? tail(child.logFile) : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The last line of a log that says something. */
export function tail(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean);
    return (lines.at(-1) ?? '').slice(0, 300);
  } catch {
    return '';
  }
}
