// testkit: the pod runner process: watches pods and runs a local process on each marked, started pod's
// IP and port; stops it when the pod goes. It also plays the kubelet's readiness probe: kwok leaves
// marked pods unready (kwok-stages.yaml), and the runner sets the Ready condition from the container's
// readinessProbe, so a Service only sends traffic to a pod whose process answers.
// Run as `node pod-runner-main.ts <kubeconfig> <kinds.json> <logDir>`.
// Children share this process's group, so stopping the runner's group stops every pod process too.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../core/paths.ts';
import { kubeClientFromKubeconfig } from './kube-client.ts';
import {
  isPodReady,
  type PodKind,
  type PodProcess,
  podProcess,
  type ReadinessCheck,
  type RunnablePod,
} from './pod-command.ts';

const [kubeconfig, kindsFile, logDir] = process.argv.slice(2) as [string, string, string];
const kinds = JSON.parse(readFileSync(kindsFile, 'utf8')) as Record<string, PodKind>;
const client = kubeClientFromKubeconfig(kubeconfig);
interface Running {
  child: ChildProcess;
  spec: PodProcess;
  exited: boolean;
  /** Failed readiness probes in a row. */
  failures: number;
}
const running = new Map<string, Running>();
const POLL_MS = 300;
const PROBE_TIMEOUT_MS = 1000;

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
  const entry: Running = { child, spec, exited: false, failures: 0 };
  child.on('exit', (code, signal) => {
    entry.exited = true;
    log(`pod ${name}: process exited (code ${code}, signal ${signal})`);
  });
  running.set(key, entry);
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

/** One readiness probe, kubelet-style: HTTP 200-399, or a TCP connect, within the timeout. */
function probe(check: ReadinessCheck): Promise<boolean> {
  return new Promise((resolve) => {
    if (check.kind === 'tcp') {
      const socket = connect({ host: check.host, port: check.port, timeout: PROBE_TIMEOUT_MS });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
      return;
    }
    const req = request(
      { host: check.host, port: check.port, path: check.path, timeout: PROBE_TIMEOUT_MS, agent: false },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 400);
      },
    );
    req.once('timeout', () => req.destroy(new Error('probe timed out')));
    req.once('error', () => resolve(false));
    req.end();
  });
}

/** Sets the pod's Ready and ContainersReady conditions and its containers' `ready`, as a kubelet does. */
async function setReady(pod: RunnablePod, ready: boolean): Promise<void> {
  const status = ready ? 'True' : 'False';
  const now = new Date().toISOString();
  const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`;
  const patch = {
    status: {
      conditions: ['Ready', 'ContainersReady'].map((type) => ({ type, status, lastTransitionTime: now })),
      containerStatuses: (pod.status?.containerStatuses ?? []).map((c) => ({ ...c, ready })),
    },
  };
  const response = await client.request('PATCH', path, patch, 'application/strategic-merge-patch+json');
  // 404: the pod went meanwhile; the next poll stops its process.
  if (response.status >= 300 && response.status !== 404)
    throw new Error(`set ${path} Ready=${status}: ${response.status} ${JSON.stringify(response.body)}`);
  log(`pod ${pod.metadata.namespace}_${pod.metadata.name}: Ready=${status}`);
}

async function poll(): Promise<void> {
  const response = await client.request<{ items?: RunnablePod[] }>('GET', '/api/v1/pods');
  if (response.status !== 200) throw new Error(`list pods: ${response.status}`);
  const wanted = new Set<string>();
  const readiness: Promise<void>[] = [];
  for (const pod of response.body.items ?? []) {
    const spec = podProcess(pod, kinds, repoRoot());
    if (!spec) continue;
    const name = `${pod.metadata.namespace}_${pod.metadata.name}`;
    const key = `${pod.metadata.uid ?? name}`;
    wanted.add(key);
    if (!running.has(key)) start(key, name, spec);
    const entry = running.get(key)!;
    readiness.push(
      (entry.exited ? Promise.resolve(false) : probe(spec.readiness)).then((passed) => {
        entry.failures = passed ? 0 : entry.failures + 1;
        const ready = isPodReady(pod);
        // Ready at the first pass; unready after failureThreshold failures in a row, or at once if it exited.
        if (passed && !ready) return setReady(pod, true);
        if (!passed && ready && (entry.exited || entry.failures >= spec.readiness.failureThreshold))
          return setReady(pod, false);
        return undefined;
      }),
    );
  }
  for (const key of running.keys()) if (!wanted.has(key)) stop(key);
  const failed = (await Promise.allSettled(readiness)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
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
