// testkit: starts the pod runner process for a cluster (see pod-runner-main.ts).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type StartedProcess, startProcess } from '../core/server.ts';
import type { PodKind } from './pod-command.ts';

/** Kinds every cluster knows: `sim` runs the simulator, `echo` a tiny HTTP server that reports the pod. */
export const DEFAULT_POD_KINDS: Record<string, PodKind> = {
  sim: {
    command: process.execPath,
    args: ['{repo}/sim/src/main.ts', '--host', '{podIP}', '--port', '{port}', '{args}'],
  },
  echo: {
    command: process.execPath,
    args: [
      fileURLToPath(new URL('./echo-server.ts', import.meta.url)),
      '--host',
      '{podIP}',
      '--port',
      '{port}',
    ],
  },
};

/** Options of {@link startPodRunner}. */
export interface PodRunnerOptions {
  dir: string;
  kubeconfig: string;
  /** Extra or replacing kinds, by annotation value. */
  kinds?: Record<string, PodKind>;
}

/** Starts the pod runner; pod process logs go to `<dir>/pods/<namespace>_<pod>.log`. */
export async function startPodRunner(options: PodRunnerOptions): Promise<StartedProcess> {
  const podsDir = join(options.dir, 'pods');
  mkdirSync(podsDir, { recursive: true });
  const kindsFile = join(options.dir, 'pod-kinds.json');
  writeFileSync(kindsFile, JSON.stringify({ ...DEFAULT_POD_KINDS, ...options.kinds }, null, 2));
  const logFile = join(options.dir, 'pod-runner.log');
  return startProcess({
    name: 'pod-runner',
    command: process.execPath,
    runDir: options.dir,
    args: () => [
      fileURLToPath(new URL('./pod-runner-main.ts', import.meta.url)),
      options.kubeconfig,
      kindsFile,
      podsDir,
    ],
    ready: async () =>
      existsSync(logFile) && readFileSync(logFile, 'utf8').includes('pod-runner: watching pods'),
    cleanup: false,
  });
}
