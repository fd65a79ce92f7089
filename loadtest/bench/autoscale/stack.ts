/**
 * The autoscaling run's stack, step by step: the testkit cluster with kwok and real KEDA, the
 * ModelDeployment CRD, the gateway (Kubernetes discovery + KEDA external scaler) as a process, the
 * operator as a process, and a ModelDeployment (min 0, max 8) whose pods the pod runner backs with the
 * simulator. Each step is recorded, so a run that cannot go on says exactly which piece is missing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@switchyard/testkit';
import { type Child, spawnLogged, waitForHttp } from '../peers/processes.ts';

/** One step of the setup and how it went. */
export interface Step {
  name: string;
  ok: boolean;
  detail: string;
}

/** The parts of the testkit cluster this run uses (typed here: the testkit exports it at run time). */
export interface ClusterHandle {
  kubeconfig: string;
  dir: string;
  client: {
    apply(objects: string | object | object[]): Promise<unknown>;
    get<T = unknown>(path: string): Promise<T>;
  };
  stop(): Promise<void>;
}

type StartCluster = (options: {
  kwok?: boolean;
  keda?: boolean;
  hpaSyncPeriodSeconds?: number;
}) => Promise<ClusterHandle>;

export const ROOT = resolve(import.meta.dirname, '..', '..', '..');
export const NAMESPACE = 'models';
export const MODEL = 'mistral-7b-instruct';

/** Records `fn` as a step; rethrows after recording a failure. */
export async function step<T>(
  steps: Step[],
  name: string,
  fn: () => Promise<T>,
  detail?: (v: T) => string,
): Promise<T> {
  process.stderr.write(`- ${name}...\n`);
  try {
    const value = await fn();
    steps.push({ name, ok: true, detail: detail?.(value) ?? 'ok' });
    return value;
  } catch (error) {
    steps.push({ name, ok: false, detail: (error as Error).message.replace(/\s+/g, ' ').slice(0, 400) });
    throw error;
  }
}

/** What must exist before anything starts; each missing piece named. */
export async function preflight(): Promise<{ missing: string[]; startCluster?: StartCluster }> {
  const missing: string[] = [];
  const testkit = (await import('@switchyard/testkit')) as Record<string, unknown>;
  const startCluster = testkit.startCluster as StartCluster | undefined;
  if (typeof startCluster !== 'function')
    missing.push('@switchyard/testkit does not export startCluster (issue: testkit cluster)');
  if (!existsSync(join(ROOT, 'operator/src/main.ts')))
    missing.push('operator/src/main.ts (the operator process) is absent');
  const crdDir = join(ROOT, 'operator/config/crd');
  if (!existsSync(crdDir) || readdirSync(crdDir).length === 0)
    missing.push('operator/config/crd has no ModelDeployment CRD');
  const gateway = (await import('@switchyard/gateway')) as {
    gatewayConfigSchema?: { safeParse(v: unknown): { success: boolean } };
  };
  const probe = gateway.gatewayConfigSchema?.safeParse({
    auth: { mode: 'disabled' },
    discovery: { kubernetes: { enabled: true, namespace: NAMESPACE } },
    scaler: { enabled: true, port: 0 },
  });
  if (!probe?.success)
    missing.push(
      'the gateway config does not accept discovery.kubernetes and scaler (Kubernetes discovery / KEDA scaler)',
    );
  return startCluster ? { missing, startCluster } : { missing };
}

/** Applies the CRD and the namespace. */
export async function applyBasics(cluster: ClusterHandle): Promise<void> {
  const crdDir = join(ROOT, 'operator/config/crd');
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    await cluster.client.apply(readFileSync(join(crdDir, file), 'utf8'));
  }
  await cluster.client.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    // The operator's leader-election Lease lives here.
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'switchyard-system' } },
  ]);
  // The API server serves the new kind a moment after the CRD is stored.
  await waitFor(
    'ModelDeployment CRD established',
    async () => {
      await cluster.client.get(
        `/apis/serving.switchyard.dev/v1alpha1/namespaces/${NAMESPACE}/modeldeployments`,
      );
      return true;
    },
    30_000,
    500,
  );
}

/** Starts the gateway process with Kubernetes discovery and the scaler; returns its URLs. */
export async function startGatewayProcess(
  cluster: ClusterHandle,
  work: string,
): Promise<{ child: Child; baseURL: string; metricsUrl: string; scalerAddress: string }> {
  const [port, adminPort, scalerPort] = [await freePort(), await freePort(), await freePort()];
  const config = join(work, 'gateway.yaml');
  writeFileSync(
    config,
    JSON.stringify({
      auth: { mode: 'disabled' },
      logging: { level: 'info', accessLog: false },
      server: { port, adminPort },
      discovery: { kubernetes: { enabled: true, kubeconfig: cluster.kubeconfig, namespace: NAMESPACE } },
      scaler: { enabled: true, host: '127.0.0.1', port: scalerPort },
    }),
  );
  const child = spawnLogged(
    process.execPath,
    [join(ROOT, 'gateway/src/main.ts')],
    join(work, 'gateway.log'),
    {
      env: { ...process.env, GATEWAY_CONFIG: config },
    },
  );
  await waitForHttp(`http://127.0.0.1:${adminPort}/healthz`, child, 30_000);
  return {
    child,
    baseURL: `http://127.0.0.1:${port}/v1`,
    metricsUrl: `http://127.0.0.1:${adminPort}/metrics`,
    scalerAddress: `127.0.0.1:${scalerPort}`,
  };
}

/** Starts the operator process against the cluster. */
export function startOperatorProcess(cluster: ClusterHandle, work: string): Child {
  return spawnLogged(
    process.execPath,
    [
      join(ROOT, 'operator/src/main.ts'),
      '--kubeconfig',
      cluster.kubeconfig,
      '--namespace',
      NAMESPACE,
      '--versions',
      'none',
    ],
    join(work, 'operator.log'),
  );
}

/** The ModelDeployment: min 0, max 8, simulator pods, scaled on the gateway's queue via its scaler. */
export function modelDeployment(scalerAddress: string, cooldownSeconds: number): object {
  return {
    apiVersion: 'serving.switchyard.dev/v1alpha1',
    kind: 'ModelDeployment',
    metadata: { name: MODEL, namespace: NAMESPACE },
    spec: {
      model: MODEL,
      registry: { version: 'v1' },
      // Pods run the simulator in real time (the pod runner starts it), so TTFT and TPOT are the profile's.
      engine: {
        podAnnotations: { 'testkit.switchyard.dev/run': 'sim' },
        args: ['--profile', 'mistral-7b-h100'],
      },
      resources: { gpu: 0, cpu: '10m', memory: '64Mi' },
      replicas: { min: 0, max: 8 },
      scaling: {
        enabled: true,
        queueDepthPerReplica: 4,
        cooldownSeconds,
        pollingIntervalSeconds: 5,
        queueTrigger: 'external',
        externalScalerAddress: scalerAddress,
        // Only the gateway's queue: no Prometheus in this cluster.
        engineWaitingPerReplica: 0,
      },
      rollout: { analysis: { requestsPerPod: 4, maxTtftP95Seconds: 5, maxTpotP95Seconds: 1 } },
    },
  };
}

/** Ready replicas of the model's Deployments (every revision) in the namespace. */
export async function readyReplicas(cluster: ClusterHandle): Promise<number> {
  const list = await cluster.client.get<{ items: { status?: { readyReplicas?: number } }[] }>(
    `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`,
  );
  return list.items.reduce((a, d) => a + (d.status?.readyReplicas ?? 0), 0);
}

/** Waits until `check` holds, polling every `everyMs`, at most `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 1_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One line on the model's Deployments and ScaledObjects, for a step that timed out. */
export async function describeState(cluster: ClusterHandle): Promise<string> {
  try {
    const d = await cluster.client.get<{
      items: {
        metadata: { name: string };
        spec?: { replicas?: number };
        status?: { readyReplicas?: number };
      }[];
    }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`);
    const so = await cluster.client.get<{
      items: {
        metadata: { name: string };
        status?: { conditions?: { type: string; status: string; message?: string }[] };
      }[];
    }>(`/apis/keda.sh/v1alpha1/namespaces/${NAMESPACE}/scaledobjects`);
    const deployments = d.items.map(
      (i) =>
        `deployment ${i.metadata.name} spec ${i.spec?.replicas ?? '?'} ready ${i.status?.readyReplicas ?? 0}`,
    );
    const scaled = so.items.map(
      (i) =>
        `scaledobject ${i.metadata.name} ${(i.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join(', ')}`,
    );
    return [...deployments, ...scaled].join('; ');
  } catch (error) {
    return `state unavailable: ${(error as Error).message}`;
  }
}
