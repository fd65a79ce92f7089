import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../core/processes.ts';
import { KUBERNETES_VERSION } from '../versions.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { kubeClientFromKubeconfig } from './kube-client.ts';
import { POD_RUN_ANNOTATION } from './pod-command.ts';

interface PodList {
  items: {
    metadata: { name: string };
    spec: { nodeName?: string };
    status: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
  }[];
}

const deployment = (
  name: string,
  replicas: number,
  container: object = {},
  annotations: Record<string, string> = { [POD_RUN_ANNOTATION]: 'echo' },
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations },
      spec: {
        containers: [{ name: 'server', image: 'fake', ports: [{ containerPort: 8080 }], ...container }],
      },
    },
  },
});

async function answers(url: string): Promise<{ pod?: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return (await response.json()) as { pod?: string };
  } catch {
    return undefined;
  }
}

describe('startCluster with kwok', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ kwok: true, nodes: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reports the real Kubernetes version at /version', async () => {
    const version = await cluster.client.get<{ gitVersion: string }>('/version');
    expect(version.gitVersion).toBe(KUBERNETES_VERSION);
  });

  it('ran a canary pod through the scheduler and kwok before handing the cluster over, and removed it', async () => {
    const events = await cluster.client.get<{ items: { reason?: string; message?: string }[] }>(
      '/api/v1/namespaces/kube-system/events',
    );
    expect(
      events.items.some(
        (e) =>
          e.reason === 'Scheduled' && /kube-system\/testkit-canary-\d+ to kwok-node-/.test(e.message ?? ''),
      ),
    ).toBe(true);
    const left = await cluster.client.get<PodList>(
      '/api/v1/namespaces/kube-system/pods?labelSelector=testkit.switchyard.dev%2Fcanary',
    );
    expect(left.items).toHaveLength(0);
  });

  it('gets Ready pods of a Deployment onto kwok nodes with a process answering on each pod IP', async () => {
    await cluster.client.apply(deployment('echo', 2));
    await waitUntil(
      async () => {
        const d = await cluster.client.get<{ status?: { readyReplicas?: number } }>(
          '/apis/apps/v1/namespaces/default/deployments/echo',
        );
        return d.status?.readyReplicas === 2;
      },
      { what: 'deployment ready', timeoutMs: 60_000, diagnose: () => cluster.diagnose() },
    );
    const pods = await cluster.client.get<PodList>(
      '/api/v1/namespaces/default/pods?labelSelector=app%3Decho',
    );
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(cluster.nodeNames).toContain(pod.spec.nodeName);
      expect(pod.status.podIP).toMatch(/^127\./);
      // Ready only once the process answers (the runner's readiness probe): no wait needed here.
      const reply = await answers(`http://${pod.status.podIP}:8080/`);
      expect(reply?.pod).toBe(pod.metadata.name);
    }
    // What a timed-out wait adds to its error: nodes, Deployments, pods and the runner's log.
    const state = await cluster.diagnose();
    for (const node of cluster.nodeNames) expect(state).toContain(`${node} Ready=True`);
    expect(state).toContain('default/echo want=2 have=2 ready=2');
    for (const pod of pods.items) {
      expect(state).toContain(
        `default/${pod.metadata.name} node=${pod.spec.nodeName} phase=Running ip=${pod.status.podIP} Ready=True`,
      );
    }
    expect(state).toMatch(/kube-controller-manager \(running=true\) recent warnings and errors:/);
    expect(state).toMatch(/kwok log \(last lines, running=true\):\n {4}\S+ (INFO|WARN) /);
    expect(state).toMatch(/pod-runner log \(last lines, running=true\):\n[\s\S]*: Ready=True/);
    await expect(
      waitUntil(async () => false, { what: 'never', timeoutMs: 1, diagnose: () => cluster.diagnose() }),
    ).rejects.toThrow(/timed out\ncluster state:\n {2}nodes:/);
  });

  it('keeps a marked pod unready while its readiness probe fails, and makes an unmarked pod Ready at once', async () => {
    await cluster.client.apply(
      deployment('probed', 1, { readinessProbe: { httpGet: { path: '/health', port: 8089 } } }),
    );
    await cluster.client.apply(deployment('plain', 1, {}, {}));
    const list = (app: string) =>
      cluster.client.get<PodList>(`/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
    const isReady = (pod: PodList['items'][number]) =>
      pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const plain = await waitUntil(async () => (await list('plain')).items.find(isReady), {
      what: 'unmarked pod Ready',
      timeoutMs: 30_000,
      diagnose: () => cluster.diagnose(),
    });
    expect(plain.status.phase).toBe('Running');
    // The process runs and answers on its own port, but nothing answers the probe's port 8089.
    const probed = await waitUntil(async () => (await list('probed')).items.find((p) => p.status.podIP), {
      what: 'probed pod with an IP',
      timeoutMs: 30_000,
      diagnose: () => cluster.diagnose(),
    });
    await waitUntil(() => answers(`http://${probed.status.podIP}:8080/`), {
      what: 'process of the probed pod',
      timeoutMs: 20_000,
      diagnose: () => cluster.diagnose(),
    });
    await new Promise((r) => setTimeout(r, 1500));
    const [after] = (await list('probed')).items;
    expect(after?.status.phase).toBe('Running');
    expect(after && isReady(after)).toBe(false);
    await cluster.client.delete('/apis/apps/v1/namespaces/default/deployments/probed');
    await cluster.client.delete('/apis/apps/v1/namespaces/default/deployments/plain');
  });

  it('stops the pod processes when the pods go', async () => {
    const pods = await cluster.client.get<PodList>(
      '/api/v1/namespaces/default/pods?labelSelector=app%3Decho',
    );
    await cluster.client.delete('/apis/apps/v1/namespaces/default/deployments/echo');
    for (const pod of pods.items) {
      await waitUntil(async () => (await answers(`http://${pod.status.podIP}:8080/`)) === undefined, {
        what: `process of ${pod.metadata.name} stopped`,
        timeoutMs: 30_000,
        diagnose: () => cluster.diagnose(),
      });
    }
  });

  it('turns a Ready pod unready when its process exits', async () => {
    await cluster.client.apply(deployment('crashy', 1));
    const list = () =>
      cluster.client.get<PodList>('/api/v1/namespaces/default/pods?labelSelector=app%3Dcrashy');
    const ready = (pod: PodList['items'][number] | undefined) =>
      pod?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const pod = await waitUntil(async () => (await list()).items.find(ready), {
      what: 'crashy pod Ready',
      timeoutMs: 30_000,
      diagnose: () => cluster.diagnose(),
    });
    execFileSync('pkill', ['-KILL', '-f', `echo-server.ts --host ${pod.status.podIP} `]);
    await waitUntil(async () => !ready((await list()).items[0]), {
      what: 'crashy pod unready after its process died',
      timeoutMs: 30_000, // the runner notices, then kwok and the API server update the status: slow under load
    });
    await cluster.client.delete('/apis/apps/v1/namespaces/default/deployments/crashy');
  });

  it('runs the vLLM simulator on each pod marked run=sim, serving the model named in the container args', async () => {
    await cluster.client.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'vllm', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'vllm' } },
        template: {
          metadata: { labels: { app: 'vllm' }, annotations: { [POD_RUN_ANNOTATION]: 'sim' } },
          spec: {
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai',
                args: ['--served-model-name', 'llama-test'],
                ports: [{ containerPort: 8000 }],
              },
            ],
          },
        },
      },
    });
    const pods = await waitUntil(
      async () => {
        const list = await cluster.client.get<PodList>(
          '/api/v1/namespaces/default/pods?labelSelector=app%3Dvllm',
        );
        const ready = list.items.filter((p) => p.status.podIP);
        return ready.length === 2 ? ready : undefined;
      },
      { what: 'simulator pods with IPs', timeoutMs: 60_000, diagnose: () => cluster.diagnose() },
    );
    for (const pod of pods) {
      const models = await waitUntil(
        async () => {
          try {
            const response = await fetch(`http://${pod.status.podIP}:8000/v1/models`, {
              signal: AbortSignal.timeout(2000),
            });
            return (await response.json()) as { data: { id: string }[] };
          } catch {
            return undefined;
          }
        },
        { what: `simulator on ${pod.metadata.name}`, timeoutMs: 30_000 },
      );
      expect(models.data.map((m) => m.id)).toEqual(['llama-test']);
    }
    await cluster.client.delete('/apis/apps/v1/namespaces/default/deployments/vllm');
  });

  it('denies a restricted ServiceAccount what its Role does not grant', async () => {
    await cluster.client.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'pod-reader', namespace: 'team-a' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'reader', namespace: 'team-a' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'team-a' }],
      },
    ]);
    const restricted = kubeClientFromKubeconfig(await cluster.serviceAccountKubeconfig('team-a', 'reader'));
    try {
      expect((await restricted.request('GET', '/api/v1/namespaces/team-a/pods')).status).toBe(200);
      expect((await restricted.request('GET', '/api/v1/namespaces/team-a/secrets')).status).toBe(403);
      expect((await restricted.request('GET', '/api/v1/namespaces/default/pods')).status).toBe(403);
      const create = await restricted.request(
        'POST',
        '/apis/apps/v1/namespaces/team-a/deployments',
        deployment('x', 1),
      );
      expect(create.status).toBe(403);
    } finally {
      restricted.close();
    }
  });
});
