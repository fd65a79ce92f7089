// testkit: `up` / `down` / `status`: servers that outlive the CLI, located through one env file.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestkitError } from '../core/errors.ts';
import { repoRoot, runRoot } from '../core/paths.ts';
import { keepProcessesAfterExit, liveProcessGroups } from '../core/processes.ts';
import { STACK_SERVERS } from './servers.ts';

interface StackState {
  startedAt: string;
  servers: string[];
  processGroups: number[];
  envFile: string;
  /** Folder holding every run folder (data, logs) of this stack. */
  stackDir?: string;
}

/** The env file `up` writes: `$SWITCHYARD_ENV_FILE` or `.env.testkit` at the repository root. */
export function envFilePath(): string {
  return process.env.SWITCHYARD_ENV_FILE ?? join(repoRoot(), '.env.testkit');
}

function stateFile(): string {
  return join(runRoot(), 'stack.json');
}

function readState(): StackState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the named servers (all by default) in the background and writes their addresses to the env file. */
export async function stackUp(names: string[]): Promise<number> {
  let wanted = names.length ? names : Object.keys(STACK_SERVERS);
  if (wanted.includes('keda')) wanted = wanted.filter((name) => name !== 'cluster');
  const unknown = wanted.filter((name) => !(name in STACK_SERVERS));
  if (unknown.length) {
    throw new TestkitError(
      'up',
      'parse arguments',
      `unknown server(s) ${unknown.join(', ')}; known: ${Object.keys(STACK_SERVERS).join(', ')}`,
    );
  }
  if (readState()?.processGroups.some(groupAlive)) {
    throw new TestkitError(
      'up',
      'check state',
      'servers from an earlier `up` are still running; run `npm run testkit -- down` first',
    );
  }
  keepProcessesAfterExit();
  // Every run folder of this stack goes under one folder, so `down` can remove them all.
  const statePath = stateFile();
  const stackDir = mkdtempSync(join(runRoot(), 'stack-'));
  process.env.SWITCHYARD_RUN_DIR = stackDir;
  const started = Date.now();
  const env: Record<string, string> = {};
  try {
    const entries = await Promise.all(
      wanted.map(async (name) => {
        const t0 = Date.now();
        const entry = await STACK_SERVERS[name]!();
        console.error(`[testkit] ${name} up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        return entry;
      }),
    );
    for (const entry of entries) Object.assign(env, entry.env);
  } catch (error) {
    for (const pgid of liveProcessGroups()) killGroup(pgid, 'SIGKILL');
    throw error;
  }
  const file = envFilePath();
  const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  writeFileSync(
    file,
    `# written by \`npm run testkit -- up\` at ${new Date().toISOString()}\n${lines.join('\n')}\n`,
  );
  const state: StackState = {
    startedAt: new Date().toISOString(),
    servers: wanted,
    processGroups: liveProcessGroups(),
    envFile: file,
    stackDir,
  };
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  console.log(lines.join('\n'));
  console.log(
    `\nwarm start of ${wanted.join(', ')} took ${((Date.now() - started) / 1000).toFixed(1)}s; addresses in ${file}`,
  );
  return 0;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Stops everything the last `up` started and removes the env file. */
export async function stackDown(): Promise<number> {
  const state = readState();
  if (!state) {
    console.log('nothing is up');
    return 0;
  }
  for (const pgid of state.processGroups) killGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (state.processGroups.some(groupAlive) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  for (const pgid of state.processGroups) killGroup(pgid, 'SIGKILL');
  rmSync(stateFile(), { force: true });
  if (existsSync(state.envFile)) rmSync(state.envFile);
  if (state.stackDir) rmSync(state.stackDir, { recursive: true, force: true });
  console.log(`stopped ${state.servers.join(', ')}`);
  return 0;
}

/** One line per server of the last `up`, with whether its processes are alive. */
export function stackStatus(): string {
  const state = readState();
  if (!state) return 'no servers up';
  const alive = state.processGroups.filter(groupAlive).length;
  return `up since ${state.startedAt}: ${state.servers.join(', ')} (${alive}/${state.processGroups.length} process groups alive; env in ${state.envFile})`;
}
