// testkit: one install step = one command, its output in the component's install log, its failure named.

import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestkitError } from '../core/errors.ts';
import { cacheRoot } from '../core/paths.ts';
import { tailFile } from '../core/processes.ts';

/** Where install output goes and how progress is reported. */
export interface InstallContext {
  /** Component being installed. */
  component: string;
  /** Install log of this component. */
  logFile: string;
  /** Progress line printer (stderr by default). */
  report(line: string): void;
}

/** A context that logs to `<cache>/logs/install-<component>.log` and reports to `report`. */
export function installContext(component: string, report: (line: string) => void): InstallContext {
  const dir = join(cacheRoot(), 'logs');
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, `install-${component}.log`);
  appendFileSync(logFile, `\n===== ${new Date().toISOString()} install ${component}\n`);
  return { component, logFile, report };
}

/** Options of {@link runStep}. */
export interface StepOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Run with lower CPU priority (long builds). */
  nice?: boolean;
}

/** Runs `command args` as the step called `step`; throws a {@link TestkitError} naming it on failure. */
export async function runStep(
  ctx: InstallContext,
  step: string,
  command: string,
  args: string[],
  options: StepOptions = {},
): Promise<void> {
  const started = Date.now();
  ctx.report(`${ctx.component}: ${step} ...`);
  appendFileSync(ctx.logFile, `\n$ ${command} ${args.join(' ')}\n`);
  const [cmd, argv] = options.nice ? ['nice', ['-n', '10', command, ...args]] : [command, args];
  const ticker = setInterval(() => {
    ctx.report(`${ctx.component}: ${step} still running (${Math.round((Date.now() - started) / 1000)}s)`);
  }, 60_000);
  try {
    const code = await new Promise<number | null>((resolveCode, reject) => {
      const child = spawn(cmd, argv, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => appendFileSync(ctx.logFile, chunk));
      child.stderr.on('data', (chunk: Buffer) => appendFileSync(ctx.logFile, chunk));
      child.once('error', reject);
      child.once('close', resolveCode);
    });
    if (code !== 0) {
      throw new TestkitError(
        ctx.component,
        `install: ${step}`,
        `\`${command}\` exited with ${code}:\n${tailFile(ctx.logFile, 25)}`,
        { logFile: ctx.logFile },
      );
    }
  } catch (error) {
    if (error instanceof TestkitError) throw error;
    throw new TestkitError(
      ctx.component,
      `install: ${step}`,
      `could not run \`${command}\`: ${String(error)}`,
      {
        logFile: ctx.logFile,
        cause: error,
      },
    );
  } finally {
    clearInterval(ticker);
  }
  ctx.report(`${ctx.component}: ${step} done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
