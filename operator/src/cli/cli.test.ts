// The llmctl side of the operator: `status` shows where traffic goes; the registry hook moves the
// ModelDeployments that follow a channel, and a rollback to the still-warm revision finishes quickly.
import type { AnalysisResult, ModelDeployment } from '@switchyard/api';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Controller, startController } from '../controller.ts';
import type { KubeApi } from '../k8s/kube-api.ts';
import { createKubeApi } from '../k8s/rest-client.ts';
import { type FakeApiServer, startFakeApiServer } from '../testing/fake-apiserver.ts';
import { waitFor } from '../testing/wait.ts';
import { staticVersionSource } from '../versions/version-source.ts';
import { approveCommand } from './approve-command.ts';
import { FOLLOW_CHANNEL_ANNOTATION, modelDeploymentHook } from './channel-hook.ts';
import { statusCommand } from './status-command.ts';

const NS = '/apis/serving.switchyard.dev/v1alpha1/namespaces/ml/modeldeployments';
let fake: FakeApiServer;
let kube: KubeApi;
let controller: Controller;

beforeEach(async () => {
  fake = await startFakeApiServer({ autoReadyDeployments: true });
  kube = createKubeApi({ kubeconfig: fake.kubeconfig });
  controller = await startController({
    kube,
    versions: staticVersionSource(),
    analyze: async ({ revision }): Promise<AnalysisResult> => ({
      revision,
      phase: 'Passed',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      checks: [{ name: 'errorRate', passed: true, value: 0, threshold: 0.05, message: 'ok' }],
      message: 'all checks passed',
    }),
    resyncMs: 0,
  });
});
afterEach(async () => {
  controller.stop();
  await fake.close();
});

async function deploy(version: string, extra: Partial<ModelDeployment['metadata']> = {}) {
  const body: ModelDeployment = {
    apiVersion: 'serving.switchyard.dev/v1alpha1',
    kind: 'ModelDeployment',
    metadata: { name: 'chat', namespace: 'ml', ...extra },
    spec: { model: 'llama-3-8b', registry: { version }, rollout: { scaleDownDelaySeconds: 300 } },
  };
  await fetch(`${fake.url}${NS}`, { method: 'POST', body: JSON.stringify(body) });
  return waitFor(() => fake.get<ModelDeployment>(`${NS}/chat`)?.status?.activeVersion === version, {
    what: version,
  });
}

async function run(command: Command, args: string[]) {
  const program = new Command('llmctl').exitOverride();
  program.addCommand(command);
  await program.parseAsync(args, { from: 'user' });
}

describe('llmctl status', () => {
  it('shows traffic, revisions and conditions, found by served model name', async () => {
    await deploy('v1');
    const out: string[] = [];
    const program = new Command('llmctl').exitOverride();
    program.addCommand(
      statusCommand({ io: { stdout: (t) => out.push(t), stderr: () => {}, isTTY: false }, kube }),
    );
    await program.parseAsync(['status', 'llama-3-8b'], { from: 'user' });
    const text = out.join('');
    expect(text).toMatch(/^ml\/chat {2}model llama-3-8b/);
    expect(text).toMatch(/traffic: chat-[0-9a-f]{10} \(v1\)/);
    expect(text).toMatch(/Ready\s+True\s+RevisionAvailable/);
  });

  it('fails with one line and exit code 4 for an unknown model', async () => {
    const program = new Command('llmctl').exitOverride();
    program.addCommand(statusCommand({ kube }));
    await expect(program.parseAsync(['status', 'nope'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 4,
      message: 'no ModelDeployment named or serving nope',
    });
  });

  it('says that no Kubernetes configuration was found instead of trying localhost', async () => {
    const program = new Command('llmctl').exitOverride();
    program.addCommand(statusCommand({ env: { HOME: '/nonexistent-home' } }));
    await expect(program.parseAsync(['status', 'llama-3-8b'], { from: 'user' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('no Kubernetes configuration found'),
    });
  });
});

describe('modelDeploymentHook', () => {
  it('moves a version-pinned follower on promote and rolls back to the warm revision in well under 5 s', async () => {
    await deploy('v1', { annotations: { [FOLLOW_CHANNEL_ANNOTATION]: 'production' } });
    const hook = modelDeploymentHook({ kube, waitMs: 10_000 });
    const move = { model: 'llama-3-8b', channel: 'production', actor: 't', at: new Date().toISOString() };
    await hook.afterChannelMove({
      ...move,
      action: 'promote',
      fromVersion: 'v1',
      toVersion: 'v2',
      revision: 2,
    });
    expect(fake.get<ModelDeployment>(`${NS}/chat`)?.status?.activeVersion).toBe('v2');

    const started = performance.now();
    await hook.afterChannelMove({
      ...move,
      action: 'rollback',
      fromVersion: 'v2',
      toVersion: 'v1',
      revision: 3,
    });
    const rollbackMs = performance.now() - started;
    const md = fake.get<ModelDeployment>(`${NS}/chat`)!;
    expect(md.status?.activeVersion).toBe('v1');
    expect(md.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toMatch(
      /RollbackToWarmRevision|RolloutComplete/,
    );
    expect(rollbackMs).toBeLessThan(5_000);
  });

  it('leaves alone ModelDeployments of other models and channels', async () => {
    await deploy('v1');
    const hook = modelDeploymentHook({ kube });
    await hook.afterChannelMove({
      model: 'llama-3-8b',
      channel: 'production',
      action: 'promote',
      toVersion: 'v9',
      revision: 1,
      actor: 't',
      at: '',
    });
    expect(fake.get<ModelDeployment>(`${NS}/chat`)?.spec.registry.version).toBe('v1');
  });
});

describe('llmctl approve', () => {
  it('annotates the candidate of a manual rollout, which then takes traffic', async () => {
    await deploy('v1');
    await fetch(`${fake.url}${NS}/chat`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ spec: { registry: { version: 'v2' }, rollout: { autoPromote: false } } }),
    });
    await waitFor(
      () =>
        fake
          .get<ModelDeployment>(`${NS}/chat`)
          ?.status?.conditions?.some((c) => c.reason === 'AwaitingPromotion'),
      {
        what: 'awaiting promotion',
      },
    );
    await run(approveCommand({ kube, io: { stdout: () => {}, stderr: () => {}, isTTY: false } }), [
      'approve',
      'chat',
    ]);
    await waitFor(() => fake.get<ModelDeployment>(`${NS}/chat`)?.status?.activeVersion === 'v2', {
      what: 'v2 active',
    });
  });
});

describe('kubernetesHooks', () => {
  it('mounts the hook only when a Kubernetes configuration is in reach', async () => {
    const { kubernetesHooks } = await import('./hooks-from-env.ts');
    expect(kubernetesHooks({ HOME: '/nonexistent' })).toEqual([]);
    expect(kubernetesHooks({ KUBECONFIG: fake.kubeconfig, LLMCTL_KUBERNETES: 'off' })).toEqual([]);
    const [hook] = kubernetesHooks({ KUBECONFIG: fake.kubeconfig });
    expect(hook?.name).toBe('kubernetes ModelDeployment');
    await deploy('v1', { annotations: { [FOLLOW_CHANNEL_ANNOTATION]: 'production' } });
    await hook!.afterChannelMove({
      model: 'llama-3-8b',
      channel: 'production',
      action: 'promote',
      toVersion: 'v2',
      revision: 2,
      actor: 't',
      at: '',
    });
    expect(fake.get<ModelDeployment>(`${NS}/chat`)?.spec.registry.version).toBe('v2');
  });
});
