// The operator with the real registry (versitygw + DynamoDB Local): channels resolve to versions,
// `promote` and `rollback` with the operator's hook move the ModelDeployment, and a version whose
// manifest fails verification never reaches a pod. The Kubernetes side is the in-memory API server.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ModelDeployment } from '@switchyard/api';
import {
  getVersion,
  initRegistry,
  promote,
  publishVersion,
  type RegistryContext,
  rollback,
} from '@switchyard/registry';
import {
  contextFor,
  type RegistryServers,
  startLocalRegistryServers,
  writeModelDir,
} from '@switchyard/registry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelDeploymentHook } from '../cli/channel-hook.ts';
import { type Controller, startController } from '../controller.ts';
import { createKubeApi } from '../k8s/rest-client.ts';
import { passingAnalyzer } from '../testing/analysis.ts';
import { type FakeApiServer, startFakeApiServer } from '../testing/fake-apiserver.ts';
import { waitFor } from '../testing/wait.ts';
import { registryVersionSource } from '../versions/version-source.ts';

const MDS = '/apis/serving.switchyard.dev/v1alpha1/namespaces/ml/modeldeployments';
let servers: RegistryServers;
let ctx: RegistryContext;
let fake: FakeApiServer;
let controller: Controller;

const passes = passingAnalyzer();

async function publish(model: string, version: string) {
  const dir = mkdtempSync(join(tmpdir(), 'operator-model-'));
  await writeModelDir(dir, [
    { path: 'config.json', size: 64 },
    { path: 'model.safetensors', size: 2048 },
  ]);
  await publishVersion(ctx, { model, version, dir, createdBy: 'e2e' });
}

const md = (name: string, registry: Record<string, string>): ModelDeployment => ({
  apiVersion: 'serving.switchyard.dev/v1alpha1',
  kind: 'ModelDeployment',
  metadata: { name, namespace: 'ml' },
  spec: { model: name, registry, rollout: { scaleDownDelaySeconds: 300 } },
});
const stored = (name: string) => fake.get<ModelDeployment>(`${MDS}/${name}`);

beforeAll(async () => {
  servers = await startLocalRegistryServers();
  ctx = contextFor(servers, { bucket: 'operator-e2e', table: 'operator-e2e' });
  await initRegistry(ctx);
  fake = await startFakeApiServer({ autoReadyDeployments: true });
  controller = await startController({
    kube: createKubeApi({ kubeconfig: fake.kubeconfig }),
    versions: registryVersionSource(ctx),
    analyze: passes,
    resyncMs: 0,
  });
});

afterAll(async () => {
  controller?.stop();
  await fake?.close();
  ctx?.clients.destroy();
  await servers?.stop();
});

describe('operator with the registry', () => {
  it('follows a channel through promote and rollback with the hook', async () => {
    await publish('qwen', 'v1');
    await publish('qwen', 'v2');
    const kube = createKubeApi({ kubeconfig: fake.kubeconfig });
    const hooks = [modelDeploymentHook({ kube, waitMs: 20_000 })];
    await promote(ctx, { model: 'qwen', channel: 'production', version: 'v1', actor: 'e2e', hooks });
    await fetch(`${fake.url}${MDS}`, {
      method: 'POST',
      body: JSON.stringify(md('qwen', { channel: 'production' })),
    });
    await waitFor(() => stored('qwen')?.status?.activeVersion === 'v1', {
      timeoutMs: 20_000,
      what: 'v1 active',
    });
    const digest = (await getVersion(ctx, 'qwen', 'v1'))!.manifestDigest;
    const deployment = fake.get<{ metadata: { annotations: Record<string, string> } }>(
      `/apis/apps/v1/namespaces/ml/deployments/${stored('qwen')!.status!.activeRevision}`,
    );
    expect(deployment!.metadata.annotations['serving.switchyard.dev/manifest-digest']).toBe(digest);

    await promote(ctx, { model: 'qwen', channel: 'production', version: 'v2', actor: 'e2e', hooks });
    expect(stored('qwen')?.status?.activeVersion).toBe('v2');
    const started = performance.now();
    await rollback(ctx, { model: 'qwen', channel: 'production', actor: 'e2e', hooks });
    expect(stored('qwen')?.status?.activeVersion).toBe('v1');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops before any pod when the manifest fails verification, naming the cause', async () => {
    await publish('mistral', 'v1');
    const record = (await getVersion(ctx, 'mistral', 'v1'))!;
    // Tamper with one checksum in the stored manifest (valid JSON, wrong content).
    const original = await ctx.clients.s3.send(
      new GetObjectCommand({ Bucket: ctx.bucket, Key: record.manifestKey }),
    );
    const manifest = JSON.parse(await original.Body!.transformToString('utf8')) as {
      files: { sha256: string }[];
    };
    manifest.files[0]!.sha256 = '0'.repeat(64);
    await ctx.clients.s3.send(
      new PutObjectCommand({ Bucket: ctx.bucket, Key: record.manifestKey, Body: JSON.stringify(manifest) }),
    );
    await fetch(`${fake.url}${MDS}`, {
      method: 'POST',
      body: JSON.stringify(md('mistral', { version: 'v1' })),
    });
    const degraded = await waitFor(
      () => stored('mistral')?.status?.conditions?.find((c) => c.type === 'Degraded' && c.status === 'True'),
      { timeoutMs: 20_000, what: 'Degraded' },
    );
    expect(degraded.reason).toBe('ManifestUnverified');
    expect(degraded.message).toMatch(/mistral/);
    expect(
      fake
        .list('/apis/apps/v1/namespaces/ml/deployments')
        .filter((d) => d.metadata.name.startsWith('mistral')),
    ).toEqual([]);
  });

  it('reports a version the registry does not have', async () => {
    await fetch(`${fake.url}${MDS}`, {
      method: 'POST',
      body: JSON.stringify(md('ghost', { version: 'v9' })),
    });
    const degraded = await waitFor(
      () => stored('ghost')?.status?.conditions?.find((c) => c.type === 'Degraded' && c.status === 'True'),
      { timeoutMs: 20_000, what: 'Degraded' },
    );
    expect(degraded.reason).toBe('VersionUnresolved');
  });
});
