// testkit: the shared lifecycle of a server process: run folder, log file, readiness wait, stop and cleanup.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeRunDir } from './paths.ts';
import { type ManagedProcess, spawnServer, waitUntil } from './processes.ts';

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  /** Component name, e.g. `redis`; names the run folder and log. */
  name: string;
  command: string;
  /** Arguments; may use the run folder, so they are built from it. */
  args: (runDir: string) => string[];
  env?: Record<string, string>;
  /** Existing run folder to use instead of a fresh one. */
  runDir?: string;
  /** Resolves truthy once the server answers. */
  ready: () => Promise<boolean>;
  /** Readiness deadline (default 60 s). */
  readyTimeoutMs?: number;
  /** Removes the run folder on stop (default true unless `SWITCHYARD_KEEP_LOGS=1`). */
  cleanup?: boolean;
}

/** A started server process with its run folder. */
export interface StartedProcess {
  process: ManagedProcess;
  runDir: string;
  logFile: string;
  /** Stops the process group; keeps the run folder (and its log) if the process had died on its own. */
  stop(): Promise<void>;
}

/** Spawns a server, waits until `ready`, and returns it; on failure its log is kept and named in the error. */
export async function startProcess(options: StartProcessOptions): Promise<StartedProcess> {
  const runDir = options.runDir ?? makeRunDir(options.name);
  const logFile = join(runDir, `${options.name}.log`);
  const proc = spawnServer({
    name: options.name,
    command: options.command,
    args: options.args(runDir),
    logFile,
    cwd: runDir,
    ...(options.env ? { env: options.env } : {}),
  });
  try {
    await waitUntil(async () => options.ready(), {
      what: 'wait for readiness',
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      process: proc,
    });
  } catch (error) {
    await proc.stop(1000);
    throw error;
  }
  const cleanup = (options.cleanup ?? true) && process.env.SWITCHYARD_KEEP_LOGS !== '1';
  return {
    process: proc,
    runDir,
    logFile,
    async stop() {
      const diedOnItsOwn = !proc.isRunning();
      await proc.stop();
      if (diedOnItsOwn) {
        process.stderr.write(`[testkit] ${options.name} had exited before stop; log kept at ${logFile}\n`);
      } else if (cleanup) {
        rmSync(runDir, { recursive: true, force: true });
      }
    },
  };
}
