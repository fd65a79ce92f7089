// The controller end to end against an in-memory API server over HTTP: what it writes, in order, for
// each step of a blue-green rollout, and that a restarted operator resumes where the cluster stands.
import { type AnalysisResult, type ModelDeployment, ServingAnnotation, ServingLabel } from '@switchyard/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Analyzer } from './analysis/run-analysis.ts';
import { type Controller, startController } from './controller.ts';
import { createKubeApi } from './k8s/rest-client.ts';
import { type FakeApiServer, startFakeApiServer } from './testing/fake-apiserver.ts';
import { waitFor } from './testing/wait.ts';
import { staticVersionSource } from './versions/version-source.ts';

const NS = '/apis/serving.switchyard.dev/v1alpha1/namespaces/team-a/modeldeployments';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/team-a/deployments';

let fake: FakeApiServer;
let controllers: Controller[] = [];
let analysis: 'Passed' | 'Failed' = 'Passed';
const analyzed: string[] = [];

const analyze: Analyzer = async ({ revision }) => {
  analyzed.push(revision);
  const result: AnalysisResult = {
    revision,
    phase: analysis,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    checks: [],
    message: analysis === 'Passed' ? 'all checks passed' : 'errorRate 0.500 > 0.05',
  };
  return result;
};

async function start(options: { modelServiceAccount?: string } = {}): Promise<Controller> {
  const controller = await startController({
    kube: createKubeApi({ kubeconfig: fake.kubeconfig }),
    versions: staticVersionSource(),
    analyze,
    resyncMs: 0,
    ...options,
  });
  controllers.push(controller);
  return controller;
}

const md = (version: string): ModelDeployment => ({
  apiVersion: 'serving.switchyard.dev/v1alpha1',
  kind: 'ModelDeployment',
  metadata: { name: 'llama', namespace: 'team-a' },
  spec: {
    model: 'llama-3-8b',
    registry: { version },
    replicas: { min: 1, max: 3 },
    rollout: { scaleDownDelaySeconds: 60 },
  },
});

async function create(body: ModelDeployment) {
  await fetch(`${fake.url}${NS}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}
const current = () =>
  fake.get(`${NS}/llama`) as (ModelDeployment & { status?: ModelDeployment['status'] }) | undefined;
const condition = (type: string) => current()?.status?.conditions?.find((c) => c.type === type);
const writes = (since: number) =>
  fake.calls
    .slice(since)
    .filter((c) => c.method !== 'GET' && !c.path.endsWith('/events'))
    .map(
      (c) => `${c.method} ${c.path.replace('/namespaces/team-a', '')}${c.path.endsWith('/status') ? '' : ''}`,
    );

beforeEach(async () => {
  fake = await startFakeApiServer({ autoReadyDeployments: true });
  analysis = 'Passed';
  analyzed.length = 0;
});
afterEach(async () => {
  for (const c of controllers) c.stop();
  controllers = [];
  await fake.close();
});

async function readyOnV1() {
  await start();
  await create(md('v1'));
  await waitFor(() => condition('Ready')?.status === 'True' && current()?.status?.activeRevision, {
    what: 'v1 active',
  });
  return current()!.status!.activeRevision!;
}

describe('controller', () => {
  it('brings a new ModelDeployment to Ready: finalizer, revision, Services, ScaledObject, status', async () => {
    const since = fake.calls.length;
    const blue = await readyOnV1();
    expect(blue).toMatch(/^llama-[0-9a-f]{10}$/);
    expect(writes(since)).toEqual([
      'POST /apis/serving.switchyard.dev/v1alpha1/modeldeployments',
      'PATCH /apis/serving.switchyard.dev/v1alpha1/modeldeployments/llama',
      'POST /apis/apps/v1/deployments',
      'POST /api/v1/services',
      'PATCH /apis/serving.switchyard.dev/v1alpha1/modeldeployments/llama/status',
      'POST /api/v1/services',
      'DELETE /api/v1/services/llama-preview',
      'POST /apis/keda.sh/v1alpha1/scaledobjects',
      'PATCH /apis/serving.switchyard.dev/v1alpha1/modeldeployments/llama/status',
    ]);
    type Template = { initContainers: { command: string[] }[]; containers: { args: string[] }[] };
    const deployment = fake.get<{ spec: { template: { spec: Template } } }>(`${DEPLOYMENTS}/${blue}`)!;
    expect(deployment.spec.template.spec.initContainers[0]!.command).toEqual([
      'llmctl',
      'registry',
      'fetch',
      'llama-3-8b',
      'v1',
      '/models/llama-3-8b/v1',
    ]);
    expect(deployment.spec.template.spec.containers[0]!.args.slice(0, 5)).toEqual([
      '/models/llama-3-8b/v1',
      '--served-model-name',
      'llama-3-8b',
      '--port',
      '8000',
    ]);
    expect(fake.get('/api/v1/namespaces/team-a/services/llama')).toMatchObject({
      spec: { selector: { [ServingLabel.revision]: blue } },
    });
    expect(analyzed).toEqual([]);
  });

  it('rolls out v2 blue-green: candidate, analysis, switch, previous kept warm without a ScaledObject', async () => {
    const blue = await readyOnV1();
    await fetch(`${fake.url}${NS}/llama`, {
      method: 'PATCH',
      body: JSON.stringify({ spec: { registry: { version: 'v2' } } }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    const green = await waitFor(
      () => {
        const active = current()?.status?.activeRevision;
        return (
          active !== blue &&
          current()?.status?.conditions?.find((c) => c.type === 'Progressing')?.reason ===
            'RolloutComplete' &&
          active
        );
      },
      { what: 'green active' },
    );
    expect(analyzed).toEqual([green]);
    expect(current()?.status).toMatchObject({
      activeVersion: 'v2',
      lastAnalysis: { revision: green, phase: 'Passed' },
    });
    type Revision = { spec: { replicas: number }; metadata: { annotations: Record<string, string> } };
    const old = fake.get<Revision>(`${DEPLOYMENTS}/${blue}`)!;
    expect(old.spec.replicas).toBe(1);
    expect(old.metadata.annotations[ServingAnnotation.scaleDownAt]).toBeDefined();
    expect(
      fake.list('/apis/keda.sh/v1alpha1/namespaces/team-a/scaledobjects').map((o) => o.metadata.name),
    ).toEqual([green]);
  });

  it('aborts a rollout whose analysis fails and leaves traffic on blue', async () => {
    const blue = await readyOnV1();
    analysis = 'Failed';
    await fetch(`${fake.url}${NS}/llama`, {
      method: 'PATCH',
      body: JSON.stringify({ spec: { registry: { version: 'v2' } } }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    await waitFor(() => condition('Degraded')?.reason === 'AnalysisFailed', { what: 'abort' });
    const status = current()!.status!;
    expect(status.activeRevision).toBe(blue);
    expect(status.abortedRevision).toBeDefined();
    expect(
      fake.get<{ spec: { replicas: number } }>(`${DEPLOYMENTS}/${status.abortedRevision}`)!.spec.replicas,
    ).toBe(0);
    const warning = await waitFor(
      () =>
        fake
          .list<{ reason: string; type: string }>('/api/v1/namespaces/team-a/events')
          .find((e) => e.reason === 'AnalysisFailed'),
      { what: 'warning event' },
    );
    expect(warning.type).toBe('Warning');
  });

  it('resumes a rollout after the operator is killed between steps', async () => {
    const blue = await readyOnV1();
    controllers[0]!.stop();
    controllers = [];
    await fetch(`${fake.url}${NS}/llama`, {
      method: 'PATCH',
      body: JSON.stringify({ spec: { registry: { version: 'v2' } } }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    // A new operator starts after the spec moved; the cluster shows blue active and no candidate yet.
    await start();
    const green = await waitFor(
      () => current()?.status?.activeRevision !== blue && current()?.status?.activeRevision,
      { what: 'switch' },
    );
    expect(green).not.toBe(blue);
    expect(analyzed).toEqual([green]);
  });

  it('cleans up on deletion and lets the resource go', async () => {
    await readyOnV1();
    await fetch(`${fake.url}${NS}/llama`, { method: 'DELETE' });
    await waitFor(() => !current(), { what: 'resource gone' });
    expect(fake.list(DEPLOYMENTS)).toEqual([]);
    expect(fake.list('/api/v1/namespaces/team-a/services')).toEqual([]);
    expect(fake.list('/apis/keda.sh/v1alpha1/namespaces/team-a/scaledobjects')).toEqual([]);
  });

  it('runs model pods as the configured ServiceAccount, so the fetch init container has registry access', async () => {
    await start({ modelServiceAccount: 'switchyard-model-fetch' });
    await create(md('v1'));
    const template = () => {
      const deployment = fake
        .list<{ spec: { template: { spec: { serviceAccountName?: string } } } }>(DEPLOYMENTS)
        .at(0);
      return deployment?.spec.template.spec;
    };
    await waitFor(() => template() !== undefined);
    expect(template()?.serviceAccountName).toBe('switchyard-model-fetch');
  });
});
