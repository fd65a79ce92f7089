/**
 * bench:operator: (1) reconcile latency with 200 ModelDeployments, (2) time from the operator flipping
 * `status.activeRevision` to the gateway routing to the new revision, (3) rollback time (spec back to the
 * previous version → gateway on the warm old revision). The API server is the in-memory fake over HTTP
 * (a real one adds its own write latency; see docs/operator.md), the gateway is the real gateway process
 * with Kubernetes discovery, pods are stub engines. Analysis is stubbed to pass at once: this measures
 * the control path, not the checks.
 *
 *   npm run bench:operator [-- --deployments 200 --flips 5]
 *   npm run bench:operator -- --cluster   also measures reconcile latency on the testkit's real kube-apiserver
 */
import { parseArgs } from 'node:util';
import type { ModelDeployment } from '@switchyard/api';
import { percentile } from '@switchyard/testkit';
import { startController } from '../src/controller.ts';
import type { KubeApi } from '../src/k8s/kube-api.ts';
import { type KubeObject, Resources } from '../src/k8s/objects.ts';
import { createKubeApi } from '../src/k8s/rest-client.ts';
import { passingAnalyzer } from '../src/testing/analysis.ts';
import { startFakeApiServer } from '../src/testing/fake-apiserver.ts';
import { startGatewayProcess, startStubPod, whoAnswers } from '../src/testing/processes.ts';
import { waitFor } from '../src/testing/wait.ts';
import { staticVersionSource } from '../src/versions/version-source.ts';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '200' },
    flips: { type: 'string', default: '5' },
    cluster: { type: 'boolean', default: false },
  },
});
const COUNT = Number(values.deployments);
const FLIPS = Number(values.flips);
const MDS = '/apis/serving.switchyard.dev/v1alpha1/namespaces/bench/modeldeployments';
const passes = passingAnalyzer('stubbed');
const md = (name: string, version: string): ModelDeployment => ({
  apiVersion: 'serving.switchyard.dev/v1alpha1',
  kind: 'ModelDeployment',
  metadata: { name, namespace: 'bench' },
  spec: {
    model: name,
    registry: { version },
    // No GPU and tiny requests: the benchmark's nodes are simulated and have none to give.
    resources: { gpu: 0, memory: '64Mi', cpu: '10m' },
    replicas: { min: 1, max: 4 },
    scaling: { enabled: false },
    rollout: { scaleDownDelaySeconds: 600 },
  },
});
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) });
const patchVersion = (url: string, version: string) =>
  fetch(url, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ spec: { registry: { version } } }),
  });
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Where phase 1 runs: the in-memory API server, or a real testkit cluster. */
interface Backend {
  label: string;
  kube: KubeApi;
  stop(): Promise<void>;
}

async function fakeBackend(): Promise<Backend> {
  const fake = await startFakeApiServer({ autoReadyDeployments: true });
  return {
    label: 'in-memory API server over HTTP',
    kube: createKubeApi({ kubeconfig: fake.kubeconfig }),
    stop: () => fake.close(),
  };
}

async function clusterBackend(): Promise<Backend> {
  const { startE2eCluster } = await import('../src/e2e/harness.ts');
  const env = await startE2eCluster({ podCidr: '127.31.0.0/16', nodes: 4 });
  await env.cluster.client.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }]);
  return { label: 'testkit kube-apiserver + etcd, kwok nodes', kube: env.kube, stop: env.stop };
}

async function reconcileLatency(backend: Backend): Promise<void> {
  const { kube } = backend;
  const durations: number[] = [];
  const controller = await startController({
    kube,
    versions: staticVersionSource(),
    analyze: passes,
    resyncMs: 0,
    onReconciled: (_key, ms) => durations.push(ms),
  });
  const ref = { ...Resources.modelDeployments, namespace: 'bench' };
  const names = Array.from({ length: COUNT }, (_, i) => `model-${i}`);
  const started = performance.now();
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(names.slice(i, i + 20).map((name) => kube.create(ref, md(name, 'v1') as never)));
  }
  const ready = (o: ModelDeployment) =>
    o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  await waitFor(
    async () => (await kube.list<ModelDeployment & KubeObject>(ref)).items.filter(ready).length === COUNT,
    { timeoutMs: 300_000, intervalMs: 250 },
  );
  const allReadyMs = performance.now() - started;
  const creating = [...durations];
  durations.length = 0;
  for (const name of names) controller.queue.add(`bench/${name}`);
  await controller.queue.idle();
  console.log(`reconcile latency, ${COUNT} ModelDeployments (${backend.label}, concurrency 8):`);
  console.log(
    `  rollout to Ready: ${creating.length} reconciles, p50 ${fmt(percentile(creating, 0.5))}, p99 ${fmt(percentile(creating, 0.99))}`,
  );
  console.log(
    `  steady state (resync, nothing to do): p50 ${fmt(percentile(durations, 0.5))}, p99 ${fmt(percentile(durations, 0.99))}`,
  );
  console.log(`  all ${COUNT} Ready after ${fmt(allReadyMs)}`);
  controller.stop();
  await backend.stop();
}

async function switchAndRollback(): Promise<void> {
  const stubs = await Promise.all(Array.from({ length: FLIPS + 2 }, (_, i) => startStubPod(`slot-${i}`)));
  const slots = new Map<string, number>();
  const fake = await startFakeApiServer({
    autoReadyDeployments: true,
    podAddress: (deployment) => {
      if (!slots.has(deployment)) slots.set(deployment, slots.size);
      return { ip: '127.0.0.1', port: stubs[slots.get(deployment)! % stubs.length]!.port };
    },
  });
  const controller = await startController({
    kube: createKubeApi({ kubeconfig: fake.kubeconfig }),
    versions: staticVersionSource(),
    analyze: passes,
    resyncMs: 0,
  });
  const gateway = await startGatewayProcess(fake.kubeconfig);
  const url = `${fake.url}${MDS}/chat`;
  const active = () => fake.get<ModelDeployment>(url.replace(fake.url, ''))?.status?.activeRevision;
  const slotOf = (revision: string) => `slot-${slots.get(revision)}`;
  await post(`${fake.url}${MDS}`, md('chat', 'v0'));
  const first = await waitFor(active, { timeoutMs: 20_000 });
  await waitFor(async () => (await whoAnswers(gateway.url, 'chat')) === slotOf(first), { timeoutMs: 20_000 });

  /** Moves the spec to `version`; times the operator's flip and the gateway's first answer from the new pods. */
  async function move(version: string) {
    const before = active();
    const t0 = performance.now();
    await patchVersion(url, version);
    const revision = await waitFor(() => active() !== before && active(), {
      timeoutMs: 20_000,
      intervalMs: 1,
    });
    const flipped = performance.now();
    await waitFor(async () => (await whoAnswers(gateway.url, 'chat')) === slotOf(revision), {
      timeoutMs: 20_000,
      intervalMs: 1,
    });
    const switched = performance.now();
    return { flipToSwitch: switched - flipped, total: switched - t0 };
  }
  const promotes: number[] = [];
  const rollbacks: number[] = [];
  for (let i = 1; i <= FLIPS; i++) {
    promotes.push((await move(`v${i}`)).flipToSwitch);
    rollbacks.push((await move(`v${i - 1}`)).total);
    await move(`v${i}`);
  }
  console.log(
    `activeRevision flip → gateway switch (${FLIPS} promotions, real gateway process, watch-driven):`,
  );
  console.log(`  p50 ${fmt(percentile(promotes, 0.5))}, max ${fmt(Math.max(...promotes))}`);
  console.log(
    `rollback to the warm previous revision (spec change → gateway on the old pods, ${FLIPS} runs):`,
  );
  console.log(
    `  p50 ${fmt(percentile(rollbacks, 0.5))}, max ${fmt(Math.max(...rollbacks))}  (target: < 5 s)`,
  );
  gateway.stop();
  controller.stop();
  await fake.close();
  await Promise.all(stubs.map((s) => s.close()));
}

await reconcileLatency(await fakeBackend());
if (values.cluster) await reconcileLatency(await clusterBackend());
await switchAndRollback();
process.exit(0);
