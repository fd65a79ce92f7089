// testkit: the pod runner process: watches pods and runs a local process on each marked, Ready pod's
// IP and port; stops it when the pod goes. Run as `node pod-runner-main.ts <kubeconfig> <kinds.json> <logDir>`.
// Children share this process's group, so stopping the runner's group stops every pod process too.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../core/paths.ts';
import { kubeClientFromKubeconfig } from './kube-client.ts';
import { type PodKind, type PodProcess, podProcess, type RunnablePod } from './pod-command.ts';

const [kubeconfig, kindsFile, logDir] = process.argv.slice(2) as [string, string, string];
const kinds = JSON.parse(readFileSync(kindsFile, 'utf8')) as Record<string, PodKind>;
const client = kubeClientFromKubeconfig(kubeconfig);
const running = new Map<string, { child: ChildProcess; spec: PodProcess }>();
const POLL_MS = 300;

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

function start(key: string, name: string, spec: PodProcess): void {
  const fd = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(spec.command, spec.args, {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.on('exit', (code, signal) => log(`pod ${name}: process exited (code ${code}, signal ${signal})`));
  running.set(key, { child, spec });
  log(`pod ${name}: started ${spec.command} ${spec.args.join(' ')} on ${spec.host}:${spec.port}`);
}

function stop(key: string): void {
  const entry = running.get(key);
  if (!entry) return;
  running.delete(key);
  entry.child.kill('SIGTERM');
  setTimeout(() => entry.child.kill('SIGKILL'), 3000).unref();
  log(`pod ${key}: stopped`);
}

async function poll(): Promise<void> {
  const response = await client.request<{ items?: RunnablePod[] }>('GET', '/api/v1/pods');
  if (response.status !== 200) throw new Error(`list pods: ${response.status}`);
  const wanted = new Set<string>();
  for (const pod of response.body.items ?? []) {
    const spec = podProcess(pod, kinds, repoRoot());
    if (!spec) continue;
    const name = `${pod.metadata.namespace}_${pod.metadata.name}`;
    const key = `${pod.metadata.uid ?? name}`;
    wanted.add(key);
    if (!running.has(key)) start(key, name, spec);
  }
  for (const key of running.keys()) if (!wanted.has(key)) stop(key);
}

let first = true;
for (;;) {
  try {
    await poll();
    if (first) log('pod-runner: watching pods');
    first = false;
  } catch (error) {
    log(`pod-runner: ${String(error)}`);
  }
  await new Promise((r) => setTimeout(r, POLL_MS));
}
