/**
 * Shared setup of the operator's e2e tests: a real testkit cluster (kube-apiserver, controller-manager,
 * scheduler, kwok nodes whose Ready pods run the simulator on their loopback IPs), the CRD applied, a
 * namespace, and ModelDeployment specs whose pods the pod runner starts as simulators.
 */
import { readFileSync } from 'node:fs';
import type { ModelDeployment, ModelDeploymentSpecInput } from '@switchyard/api';
import { type Cluster, type StartClusterOptions, startCluster } from '@switchyard/testkit';
import type { KubeApi } from '../k8s/kube-api.ts';
import { Resources } from '../k8s/objects.ts';
import { createKubeApi } from '../k8s/rest-client.ts';
import { waitFor } from '../testing/wait.ts';

/** Namespace the e2e resources live in. */
export const E2E_NAMESPACE = 'e2e';

const crd = readFileSync(
  new URL('../../config/crd/modeldeployments.serving.switchyard.dev.yaml', import.meta.url),
  'utf8',
);

/** A started cluster with the CRD established and the e2e namespace. */
export interface E2eCluster {
  cluster: Cluster;
  kube: KubeApi;
  stop(): Promise<void>;
}

/** Starts the cluster and installs what the operator needs. */
export async function startE2eCluster(options: StartClusterOptions = {}): Promise<E2eCluster> {
  const cluster = await startCluster({ kwok: true, ...options });
  try {
    await cluster.client.apply(crd);
    await cluster.client.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: E2E_NAMESPACE } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'switchyard-system' } },
    ]);
    const kube = createKubeApi({ kubeconfig: cluster.kubeconfig });
    await waitFor(
      async () =>
        await kube.list({ ...Resources.modelDeployments, namespace: E2E_NAMESPACE }).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 30_000, what: 'CRD established' },
    );
    return { cluster, kube, stop: () => cluster.stop() };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** A ModelDeployment whose pods the pod runner starts as simulators (no GPU, tiny requests). */
export function simModelDeployment(
  name: string,
  version: string,
  spec: Partial<ModelDeploymentSpecInput> = {},
): ModelDeployment {
  return {
    apiVersion: 'serving.switchyard.dev/v1alpha1',
    kind: 'ModelDeployment',
    metadata: { name, namespace: E2E_NAMESPACE },
    spec: {
      model: name,
      registry: { version },
      resources: { gpu: 0, memory: '64Mi', cpu: '10m' },
      replicas: { min: 1, max: 1 },
      scaling: { enabled: false },
      ...spec,
      engine: {
        args: ['--time-scale', '20'],
        ...spec.engine,
        podAnnotations: { 'testkit.switchyard.dev/run': 'sim', ...spec.engine?.podAnnotations },
      },
      rollout: {
        scaleDownDelaySeconds: 30,
        progressDeadlineSeconds: 60,
        ...spec.rollout,
        analysis: {
          requestsPerPod: 4,
          maxTtftP95Seconds: 5,
          maxTpotP95Seconds: 1,
          ...spec.rollout?.analysis,
        },
      },
    },
  };
}

/** The ModelDeployment as stored. */
export async function getModelDeployment(
  kube: KubeApi,
  name: string,
): Promise<(ModelDeployment & { kind: string; apiVersion: string }) | undefined> {
  return kube.get({ ...Resources.modelDeployments, namespace: E2E_NAMESPACE, name }) as never;
}

/** Creates a ModelDeployment. */
export async function createModelDeployment(kube: KubeApi, md: ModelDeployment): Promise<void> {
  await kube.create({ ...Resources.modelDeployments, namespace: E2E_NAMESPACE }, md as never);
}

/** Merge-patches a ModelDeployment's spec. */
export async function patchSpec(kube: KubeApi, name: string, spec: Record<string, unknown>): Promise<void> {
  await kube.patch({ ...Resources.modelDeployments, namespace: E2E_NAMESPACE, name }, { spec });
}

/** Waits until the resource serves `version` with Ready True and the rollout complete; returns its active revision. */
export async function waitForVersion(
  kube: KubeApi,
  name: string,
  version: string,
  timeoutMs = 90_000,
): Promise<string> {
  return waitFor(
    async () => {
      const s = (await getModelDeployment(kube, name))?.status;
      const ready = s?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const done = s?.conditions?.find((c) => c.type === 'Progressing')?.status === 'False';
      return s?.activeVersion === version && ready && done && s.activeRevision;
    },
    { timeoutMs, intervalMs: 100, what: `${name} serving ${version}` },
  );
}

/** Requests a revision's pods have answered (sum of `vllm:request_success_total` over its ready pods). */
export async function servedBy(kube: KubeApi, revision: string): Promise<number> {
  const pods = await kube.list<{
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    status?: { podIP?: string };
  }>(
    { ...Resources.pods, namespace: E2E_NAMESPACE },
    { labelSelector: `serving.switchyard.dev/revision=${revision}` },
  );
  let total = 0;
  for (const pod of pods.items) {
    if (!pod.status?.podIP) continue;
    const text = await fetch(`http://${pod.status.podIP}:8000/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    for (const line of text.split('\n')) {
      if (line.startsWith('vllm:request_success_total')) total += Number(line.split(' ').pop());
    }
  }
  return total;
}

/** Sends `n` requests through the gateway; true when every one was answered by `revision`'s pods. */
export async function allServedBy(
  kube: KubeApi,
  gatewayUrl: string,
  model: string,
  revision: string,
  n = 5,
): Promise<boolean> {
  const before = await servedBy(kube, revision);
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 2 }),
    });
    await response.text();
    if (!response.ok) return false;
  }
  return (await servedBy(kube, revision)) - before === n;
}
