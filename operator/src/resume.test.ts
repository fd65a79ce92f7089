// "The operator can be killed at any moment and resumes a rollout where it stood": a rollout driven by a
// new operator after every single reconcile (each one killed right after its first pass that wrote
// something) ends exactly where an uninterrupted one does.
import type { AnalysisResult, ModelDeployment } from '@switchyard/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Controller, startController } from './controller.ts';
import { createKubeApi } from './k8s/rest-client.ts';
import { type FakeApiServer, startFakeApiServer } from './testing/fake-apiserver.ts';
import { waitFor } from './testing/wait.ts';
import { staticVersionSource } from './versions/version-source.ts';

const MDS = '/apis/serving.switchyard.dev/v1alpha1/namespaces/ml/modeldeployments';
let fake: FakeApiServer;
let analyses = 0;
const analyze = async ({ revision }: { revision: string }): Promise<AnalysisResult> => {
  analyses++;
  return { revision, phase: 'Passed', startedAt: '', finishedAt: '', checks: [], message: 'ok' };
};

beforeEach(async () => {
  fake = await startFakeApiServer({ autoReadyDeployments: true });
  analyses = 0;
});
afterEach(() => fake.close());

/** Runs a fresh operator until it has written something once, then kills it. */
async function oneStep(): Promise<void> {
  const writesBefore = fake.calls.filter((c) => c.method !== 'GET').length;
  let controller: Controller | undefined;
  let done = false;
  controller = await startController({
    kube: createKubeApi({ kubeconfig: fake.kubeconfig }),
    versions: staticVersionSource(),
    analyze,
    resyncMs: 0,
    onReconciled: () => {
      if (fake.calls.filter((c) => c.method !== 'GET').length > writesBefore) {
        done = true;
        controller?.stop();
      }
    },
  });
  await waitFor(() => done || undefined, { timeoutMs: 5_000 }).catch(() => controller?.stop());
  controller.stop();
}

const status = () => fake.get<ModelDeployment>(`${MDS}/chat`)?.status;

describe('an operator killed after every step', () => {
  it('still completes the blue-green rollout, analysing the candidate once', async () => {
    await fetch(`${fake.url}${MDS}`, {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'serving.switchyard.dev/v1alpha1',
        kind: 'ModelDeployment',
        metadata: { name: 'chat', namespace: 'ml' },
        spec: { model: 'chat', registry: { version: 'v1' }, rollout: { scaleDownDelaySeconds: 600 } },
      }),
    });
    for (let i = 0; i < 20 && status()?.activeVersion !== 'v1'; i++) await oneStep();
    const blue = status()?.activeRevision;
    expect(status()?.activeVersion).toBe('v1');

    await fetch(`${fake.url}${MDS}/chat`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { registry: { version: 'v2' } } }),
    });
    let steps = 0;
    const done = () =>
      status()?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'RolloutComplete' &&
      status()?.activeVersion === 'v2';
    for (; steps < 30 && !done(); steps++) await oneStep();
    expect(done()).toBe(true);
    expect(steps).toBeGreaterThan(3); // it really was interrupted between steps
    expect(analyses).toBe(1);
    const s = status()!;
    expect(s.revisions?.map((r) => [r.name === blue ? 'blue' : 'green', r.role])).toEqual([
      ['blue', 'previous'],
      ['green', 'active'],
    ]);
    expect(
      fake.list('/apis/keda.sh/v1alpha1/namespaces/ml/scaledobjects').map((o) => o.metadata.name),
    ).toEqual([s.activeRevision]);
  });
});
