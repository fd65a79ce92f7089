// testkit: spawn servers in their own process groups, log to a file, and make sure none outlives us.

import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestkitError } from './errors.ts';
import { runRoot } from './paths.ts';

/** How a server process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options for {@link spawnServer}. */
export interface SpawnServerOptions {
  /** Component name used in errors and log names, e.g. `redis`. */
  name: string;
  command: string;
  args: string[];
  /** File that receives stdout and stderr (appended). */
  logFile: string;
  cwd?: string;
  /** Extra environment on top of `process.env`. */
  env?: Record<string, string>;
}

/** A server started by testkit, alone in its process group. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process exits, however it exits. */
  readonly exited: Promise<ProcessExit>;
  /** True until the process has exited. */
  isRunning(): boolean;
  /** SIGTERM to the whole group, then SIGKILL after `graceMs` (default 5000). */
  stop(graceMs?: number): Promise<void>;
  /** The last `lines` lines of the log, for error messages. */
  tail(lines?: number): string;
}

const live = new Map<number, ChildProcess>();
let keepAfterExit = false;
let hooksInstalled = false;
let reaperFile: string | undefined;

/**
 * Lets servers outlive this Node process (used by `testkit up`); call before starting any.
 * Without it, every server is killed when this process exits, even by SIGKILL (a reaper watches).
 */
export function keepProcessesAfterExit(): void {
  keepAfterExit = true;
}

/** Process-group ids of the servers this process started and has not stopped. */
export function liveProcessGroups(): number[] {
  return [...live.keys()];
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function installExitHooks(): void {
  if (hooksInstalled || keepAfterExit) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const pgid of live.keys()) killGroup(pgid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pgid of live.keys()) killGroup(pgid, 'SIGKILL');
      process.kill(process.pid, signal);
    });
  }
  // A reaper process kills our groups if we die without running exit hooks (SIGKILL, crash of a worker).
  reaperFile = join(runRoot(), `reaper-${process.pid}-${Date.now()}.groups`);
  writeFileSync(reaperFile, '');
  const script = fileURLToPath(new URL('./reaper.ts', import.meta.url));
  const reaper = spawn(process.execPath, [script, String(process.pid), reaperFile], {
    detached: true,
    stdio: 'ignore',
  });
  reaper.unref();
}

function record(line: string): void {
  if (reaperFile) appendFileSync(reaperFile, `${line}\n`);
}

/** Starts a server in a new process group with output to `logFile`. */
export function spawnServer(options: SpawnServerOptions): ManagedProcess {
  installExitHooks();
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let running = true;
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once('error', (error) => {
      running = false;
      appendFileSync(options.logFile, `\n[testkit] spawn error: ${error.message}\n`);
      resolveExit({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolveExit({ code, signal });
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) {
    live.set(pid, child);
    record(`+${pid}`);
    child.unref();
    void exited.then(() => {
      // The leader is gone; take down anything it left in its group, then forget it.
      killGroup(pid, 'SIGKILL');
      live.delete(pid);
      record(`-${pid}`);
    });
  }
  return {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    isRunning: () => running,
    tail: (lines = 30) => tailFile(options.logFile, lines),
    async stop(graceMs = 5000) {
      if (pid <= 0) return;
      if (!running) {
        killGroup(pid, 'SIGKILL');
        return;
      }
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL');
    },
  };
}

/** The last `lines` lines of a file, or '' when it cannot be read. */
export function tailFile(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Options for {@link waitUntil}. */
export interface WaitOptions {
  /** What we wait for, used in the error. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Fail fast, showing its log, if this process exits while we wait. */
  process?: ManagedProcess;
  /** On timeout, what to add to the error (for example the state of a cluster), so a CI log shows why. */
  diagnose?: () => Promise<string>;
}

/** Polls `check` until it returns a truthy value; throws a {@link TestkitError} naming the wait on timeout. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    const proc = options.process;
    if (proc && !proc.isRunning()) {
      const exit = await proc.exited;
      throw new TestkitError(
        proc.name,
        options.what,
        `process exited (code ${exit.code}, signal ${exit.signal}) before it was ready:\n${proc.tail()}`,
        { logFile: proc.logFile },
      );
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const log = proc ? `\n${proc.tail()}` : '';
      const state = options.diagnose
        ? `\n${await options.diagnose().catch((error: unknown) => `(diagnose failed: ${String(error)})`)}`
        : '';
      throw new TestkitError(proc?.name ?? 'testkit', options.what, `timed out${detail}${log}${state}`, {
        logFile: proc?.logFile,
      });
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}

/** Resolves with the HTTP status of a GET to `url` (loopback only), or throws on connection errors. */
export async function httpStatus(url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
  await response.body?.cancel();
  return response.status;
}
