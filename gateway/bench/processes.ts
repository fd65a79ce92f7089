/** Child processes for benchmarks: start, wait for readiness, and always stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A started child process. */
export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Wraps a spawned process so it can be stopped with `signal` (then SIGKILL after 3 s). */
export function asChild(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Child {
  return {
    process: proc,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Spawns a command and resolves with the first stdout line that parses as JSON (its readiness message). */
export function spawnReady<T>(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: Child; ready: T }> {
  const proc = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const child = asChild(proc);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      try {
        resolve({ child, ready: JSON.parse(line) as T });
      } catch {
        // not the readiness line
      }
    });
    proc.once('exit', (code) =>
      reject(new Error(`${command} exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
}

/** Polls an HTTP URL until it answers (any status). */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer in ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
