// The chart and the KEDA examples against a real API server (testkit: kube-apiserver, etcd, controller
// manager, scheduler, kwok nodes, KEDA with its CRDs): server-side dry-run, a real `helm install` whose
// gateway and operator pods become Ready, the RBAC it grants checked by the API server itself, and the
// chart's sample ModelDeployment reconciled by the real operator process running as the chart's
// ServiceAccount (kwok pods run nothing; the pod runner starts the simulator for the model's pods), and a
// chat completion through the real gateway started with the chart-rendered config.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServingLabel } from '@switchyard/api';
import {
  type Cluster,
  freePorts,
  type KubeClient,
  type KubeObject,
  kubeClientFromKubeconfig,
  POD_RUN_ANNOTATION,
  startCluster,
  waitUntil,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { BASE_VALUES, valuesArgs } from './chart.ts';
import { CHART_DIR, KEDA_DIR, REPO_ROOT } from './paths.ts';
import { helm, requireTool, run } from './tools.ts';

const RELEASE = 'switchyard';
const NAMESPACE = 'switchyard';
const MODELS = 'models';
const POD_CIDR = '127.38.0.0/16';
// Model pods run as the chart's model-fetch account, so it must exist where the ModelDeployments live.
const INSTALL_VALUES = [
  BASE_VALUES,
  { keda: { enabled: true }, modelFetch: { serviceAccount: { namespaces: [MODELS] } } },
];

let cluster: Cluster;
let helmBinary: string;
interface LocalProcess {
  process: ChildProcess;
  logFile: string;
}
let operator: LocalProcess | undefined;
let gateway: LocalProcess | undefined;

/** A repo entry point as a local process, its output in the cluster folder. */
function startLocalProcess(name: string, args: string[], env: Record<string, string> = {}): LocalProcess {
  const logFile = join(cluster.dir, `${name}-e2e.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  closeSync(log);
  return { process: child, logFile };
}

/** The operator settings the chart gives its Deployment (`SWITCHYARD_OPERATOR_*` with literal values). */
async function chartOperatorEnv(): Promise<Record<string, string>> {
  const deployment = await cluster.client.get<{
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/switchyard-operator`);
  const env = deployment.spec.template.spec.containers[0]!.env ?? [];
  return Object.fromEntries(
    env.flatMap((e) => (e.name.startsWith('SWITCHYARD_OPERATOR_') && e.value ? [[e.name, e.value]] : [])),
  );
}

/**
 * The operator as a local process with the chart's settings, authenticated as the chart's ServiceAccount (so
 * the chart's RBAC is what it gets); flags pin what must differ here.
 */
async function startOperator(kubeconfig: string): Promise<LocalProcess> {
  return startLocalProcess(
    'operator',
    [
      join(REPO_ROOT, 'operator', 'src', 'main.ts'),
      '--kubeconfig',
      kubeconfig,
      '--versions',
      'none',
      '--lease-namespace',
      NAMESPACE,
      '--lease-name',
      'switchyard-operator-e2e',
      '--identity',
      'deploy-e2e',
    ],
    await chartOperatorEnv(),
  );
}

beforeAll(async () => {
  helmBinary = requireTool(helm());
  // Pod IPs of our own, so model pods' simulators never collide with another suite's cluster running at once.
  cluster = await startCluster({ kwok: true, keda: true, nodes: 2, podCidr: POD_CIDR });
  await cluster.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: MODELS } });
}, 240_000);

afterAll(async () => {
  operator?.process.kill('SIGTERM');
  gateway?.process.kill('SIGTERM');
  await cluster?.stop();
});

function yamlObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJSON() as KubeObject | null)
    .filter((o): o is KubeObject => !!o);
}

/** Server-side apply with strict field validation; `dryRun` leaves nothing behind. */
async function serverApply(client: KubeClient, object: KubeObject, dryRun: boolean) {
  const path = await client.pathFor(
    object.apiVersion,
    object.kind,
    object.metadata.namespace,
    object.metadata.name,
  );
  const query = `fieldManager=switchyard-deploy-test&force=true&fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`;
  return client.request<KubeObject & { message?: string }>(
    'PATCH',
    `${path}?${query}`,
    object,
    'application/apply-patch+yaml',
  );
}

async function helmRun(args: string[], values: unknown[] = INSTALL_VALUES) {
  const files = valuesArgs(values);
  try {
    return await run(helmBinary, [...args, '--kubeconfig', cluster.kubeconfig, ...files.args], {
      timeoutMs: 300_000,
    });
  } finally {
    files.cleanup();
  }
}

describe('KEDA examples', () => {
  const files = readdirSync(KEDA_DIR).filter((f) => f.endsWith('.yaml'));

  it.each(files)(
    '%s is accepted by the real KEDA CRDs (strict server-side dry-run, then applied)',
    async (file) => {
      const objects = yamlObjects(readFileSync(join(KEDA_DIR, file), 'utf8'));
      expect(objects.length).toBeGreaterThan(0);
      await cluster.client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
      for (const object of objects) {
        const dry = await serverApply(cluster.client, object, true);
        expect(
          dry.status,
          `${file} ${object.kind}/${object.metadata.name}: ${dry.body.message}`,
        ).toBeLessThan(300);
        const applied = await serverApply(cluster.client, object, false);
        expect(
          applied.status,
          `${file} ${object.kind}/${object.metadata.name}: ${applied.body.message}`,
        ).toBeLessThan(300);
        // What we wrote came back, plus the defaults the CRD schema fills in.
        expect(applied.body.spec ?? {}).toMatchObject((object.spec ?? {}) as object);
      }
    },
  );

  it('rejects a ScaledObject with a misspelled field, so the check above has teeth', async () => {
    const [scaledObject] = yamlObjects(readFileSync(join(KEDA_DIR, 'scaledobject-prometheus.yaml'), 'utf8'));
    const broken = structuredClone(scaledObject!) as KubeObject & { spec: Record<string, unknown> };
    broken.spec.minReplicaCout = 0;
    const response = await serverApply(cluster.client, broken, true);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.body.message).toContain('minReplicaCout');
  });
});

/** `helm install` of the chart as the release under test. */
const INSTALL = ['install', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--create-namespace'];

describe('helm install into the testkit cluster', () => {
  it('passes a server-side dry-run', async () => {
    const result = await helmRun([...INSTALL, '--dry-run=server']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('kind: Deployment');
  });

  it('installs for real; gateway and operator pods become Ready on kwok nodes', async () => {
    const result = await helmRun([...INSTALL, '--wait', '--timeout', '4m']);
    expect(result.code, result.stderr).toBe(0);
    // NOTES.txt: how to reach the gateway and check the operator.
    expect(result.stdout).toContain('port-forward service/switchyard-gateway 8080:80');
    expect(result.stdout).toContain('rollout status deployment/switchyard-operator');

    for (const component of ['gateway', 'operator']) {
      const pods = await waitUntil(
        async () => {
          const list = await cluster.client.get<{ items: Pod[] }>(
            `/api/v1/namespaces/${NAMESPACE}/pods?labelSelector=app.kubernetes.io/component=${component}`,
          );
          return list.items.length >= 2 && list.items.every(isReady) ? list.items : undefined;
        },
        { what: `${component} pods Ready`, timeoutMs: 120_000 },
      );
      for (const pod of pods) expect(cluster.nodeNames).toContain(pod.spec.nodeName);
    }
    const scaler = await cluster.client.get<{ spec: { ports: { port: number }[] } }>(
      `/api/v1/namespaces/${NAMESPACE}/services/switchyard-gateway-scaler`,
    );
    expect(scaler.spec.ports[0]!.port).toBe(9090);
  }, 360_000);

  it('grants the operator and gateway exactly what they need (checked by the API server)', async () => {
    const operator = kubeClientFromKubeconfig(
      await cluster.serviceAccountKubeconfig(NAMESPACE, 'switchyard-operator'),
    );
    const gateway = kubeClientFromKubeconfig(
      await cluster.serviceAccountKubeconfig(NAMESPACE, 'switchyard-gateway'),
    );
    const can = async (client: KubeClient, verb: string, resource: string, namespace: string, group = '') => {
      const [res, sub] = resource.split('/');
      const review = await client.request<{ status: { allowed: boolean } }>(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb, group, resource: res, subresource: sub, namespace } },
        },
      );
      return review.body.status.allowed;
    };
    const md = 'serving.switchyard.dev';
    const lease = 'coordination.k8s.io';
    // [who, client, verb, resource, namespace, group, allowed]
    const cases: [string, KubeClient, string, string, string, string, boolean][] = [
      ['operator', operator, 'watch', 'modeldeployments', MODELS, md, true],
      ['operator', operator, 'patch', 'modeldeployments/status', MODELS, md, true],
      ['operator', operator, 'delete', 'modeldeployments', MODELS, md, false],
      ['operator', operator, 'create', 'deployments', MODELS, 'apps', true],
      ['operator', operator, 'create', 'services', MODELS, '', true],
      ['operator', operator, 'create', 'scaledobjects', MODELS, 'keda.sh', true],
      ['operator', operator, 'update', 'leases', NAMESPACE, lease, true],
      ['operator', operator, 'update', 'leases', MODELS, lease, false],
      ['operator', operator, 'get', 'secrets', MODELS, '', false],
      ['operator', operator, 'create', 'pods', MODELS, '', false],
      ['gateway', gateway, 'watch', 'pods', MODELS, '', true],
      ['gateway', gateway, 'watch', 'modeldeployments', MODELS, md, true],
      ['gateway', gateway, 'patch', 'modeldeployments', MODELS, md, false],
      ['gateway', gateway, 'get', 'secrets', NAMESPACE, '', false],
      ['gateway', gateway, 'create', 'pods', MODELS, '', false],
    ];
    const outcomes = [];
    for (const [who, client, verb, resource, namespace, group] of cases)
      outcomes.push(
        `${who} ${verb} ${resource} in ${namespace}: ${await can(client, verb, resource, namespace, group)}`,
      );
    expect(outcomes).toEqual(
      cases.map(
        ([who, , verb, resource, namespace, , allowed]) =>
          `${who} ${verb} ${resource} in ${namespace}: ${allowed}`,
      ),
    );
    operator.close();
    gateway.close();
  });

  it('serves the ModelDeployment CRD that accepts the chart example and refuses a bad spec', async () => {
    const sample = parse(
      readFileSync(join(CHART_DIR, 'examples', 'modeldeployment.yaml'), 'utf8'),
    ) as KubeObject;
    const dry = await serverApply(cluster.client, sample, true);
    expect(dry.status, dry.body.message).toBeLessThan(300);
    // Defaults from the CRD schema were filled in by the API server.
    expect(dry.body.spec).toMatchObject({ rollout: { strategy: 'BlueGreen' }, paused: false });

    const both = structuredClone(sample) as KubeObject & { spec: { registry: Record<string, string> } };
    both.metadata.name = 'both-version-and-channel';
    both.spec.registry.version = 'v1';
    const refused = await serverApply(cluster.client, both, true);
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('set exactly one of version or channel');
  });

  it('reconciles the sample ModelDeployment with the operator running as the chart ServiceAccount', async () => {
    const kubeconfig = await cluster.serviceAccountKubeconfig(NAMESPACE, 'switchyard-operator');
    operator = await startOperator(kubeconfig);
    // The chart's example, made runnable on kwok: no GPUs or GPU nodes, a pinned version (no registry
    // here), the simulator standing in for vLLM, and no KEDA scaling (its scaler address is not routable).
    const sample = parse(
      readFileSync(join(CHART_DIR, 'examples', 'modeldeployment.yaml'), 'utf8'),
    ) as KubeObject & {
      spec: Record<string, unknown>;
    };
    sample.spec = {
      ...sample.spec,
      registry: { version: 'v1' },
      engine: { podAnnotations: { [POD_RUN_ANNOTATION]: 'sim' } },
      resources: { gpu: 0, memory: '1Gi', cpu: '100m' },
      nodeSelector: {},
      replicas: { min: 1, max: 1 },
      scaling: { enabled: false },
    };
    const applied = await serverApply(cluster.client, sample, false);
    expect(applied.status, applied.body.message).toBeLessThan(300);
    const path = `/apis/serving.switchyard.dev/v1alpha1/namespaces/${MODELS}/modeldeployments/${sample.metadata.name}`;
    const reconciled = await waitUntil(
      async () => {
        const md = await cluster.client.get<ModelDeployment>(path);
        const ready = md.status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' && md.status?.activeRevision ? md : undefined;
      },
      { what: 'ModelDeployment Ready', timeoutMs: 240_000, intervalMs: 1_000 },
    ).catch(async (error: Error) => {
      // Say where it stood and what the operator said, not just "timed out".
      const md = await cluster.client.get<ModelDeployment>(path);
      const log = readFileSync(operator!.logFile, 'utf8').split('\n').slice(-25).join('\n');
      throw new Error(`${error.message}\nstatus: ${JSON.stringify(md.status)}\noperator log (tail):\n${log}`);
    });
    expect(reconciled.status!.observedGeneration).toBe(reconciled.metadata.generation);
    const revision = await cluster.client.get<{ status: { readyReplicas?: number } }>(
      `/apis/apps/v1/namespaces/${MODELS}/deployments/${reconciled.status!.activeRevision}`,
    );
    expect(revision.status.readyReplicas).toBe(1);
    // The pod runs as the model-fetch account (admitted by the API server's ServiceAccount plugin), which
    // is what gives the fetch init container its IRSA role on EKS.
    const pods = await cluster.client.get<{ items: Pod[] }>(
      `/api/v1/namespaces/${MODELS}/pods?labelSelector=${encodeURIComponent(`${ServingLabel.revision}=${reconciled.status!.activeRevision}`)}`,
    );
    expect(pods.items.map((p) => p.spec.serviceAccountName)).toEqual(['switchyard-model-fetch']);
  }, 300_000);

  it('serves a chat completion through the gateway, run with the chart-rendered config as the chart ServiceAccount', async () => {
    // The config the installed chart wrote, bound to loopback ports, authenticated as the gateway's account.
    const secret = await cluster.client.get<{ data: Record<string, string> }>(
      `/api/v1/namespaces/${NAMESPACE}/secrets/switchyard-gateway-config`,
    );
    const config = parse(Buffer.from(secret.data['config.yaml']!, 'base64').toString('utf8')) as GatewayYaml;
    const [port, adminPort] = await freePorts(2);
    config.server = {
      ...config.server,
      host: '127.0.0.1',
      port: port!,
      adminHost: '127.0.0.1',
      adminPort: adminPort!,
    };
    config.scaler = { ...config.scaler, enabled: false };
    config.discovery.kubernetes.kubeconfig = await cluster.serviceAccountKubeconfig(
      NAMESPACE,
      'switchyard-gateway',
    );
    const configFile = join(cluster.dir, 'gateway-e2e.yaml');
    writeFileSync(configFile, stringify(config));
    gateway = startLocalProcess('gateway', [join(REPO_ROOT, 'gateway', 'src', 'main.ts')], {
      GATEWAY_CONFIG: configFile,
    });

    // The key whose SHA-256 the chart's test values carry is "test".
    const body = await waitUntil(
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'llama-3-8b-instruct',
            messages: [{ role: 'user', content: 'Say hello.' }],
            max_tokens: 8,
          }),
        });
        return response.status === 200 ? ((await response.json()) as ChatCompletion) : undefined;
      },
      {
        what: `a completion through the gateway (log: ${gateway.logFile})`,
        timeoutMs: 60_000,
        intervalMs: 1_000,
      },
    );
    expect(body.model).toBe('llama-3-8b-instruct');
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    const unauthorized = await fetch(`http://127.0.0.1:${port}/v1/models`);
    expect(unauthorized.status).toBe(401);
  }, 120_000);

  it('points the ScaledObject the operator generates at the chart scaler Service (KEDA on, address from the chart)', async () => {
    // Turn scaling on for the reconciled model, leaving externalScalerAddress to the operator's default.
    const path = `/apis/serving.switchyard.dev/v1alpha1/namespaces/${MODELS}/modeldeployments/llama-3-8b-instruct`;
    const patched = await cluster.client.request<{ message?: string }>(
      'PATCH',
      path,
      { spec: { scaling: { enabled: true } } },
      'application/merge-patch+json',
    );
    expect(patched.status, patched.body.message).toBeLessThan(300);
    const scaledObjects = await waitUntil(
      async () => {
        const list = await cluster.client.get<{ items: ScaledObject[] }>(
          `/apis/keda.sh/v1alpha1/namespaces/${MODELS}/scaledobjects`,
        );
        return list.items.length ? list.items : undefined;
      },
      { what: `the operator's ScaledObject (operator log: ${operator?.logFile})`, timeoutMs: 60_000 },
    );
    const trigger = scaledObjects[0]!.spec.triggers.find((t) => t.type === 'external-push')!;
    const scaler = await cluster.client.get<{
      metadata: { name: string; namespace: string };
      spec: { ports: { port: number }[] };
    }>(`/api/v1/namespaces/${NAMESPACE}/services/switchyard-gateway-scaler`);
    expect(trigger.metadata.scalerAddress).toBe(
      `${scaler.metadata.name}.${scaler.metadata.namespace}.svc:${scaler.spec.ports[0]!.port}`,
    );
    expect(trigger.metadata.model).toBe('llama-3-8b-instruct');
  }, 120_000);

  it('upgrades in place and uninstalls cleanly', async () => {
    const upgrade = await helmRun(
      ['upgrade', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--wait', '--timeout', '4m'],
      [...INSTALL_VALUES, { gateway: { config: { logging: { level: 'debug' } } } }],
    );
    expect(upgrade.code, upgrade.stderr).toBe(0);
    const uninstall = await helmRun(['uninstall', RELEASE, '--namespace', NAMESPACE, '--wait'], []);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    const left = await cluster.client.request(
      'GET',
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/switchyard-gateway`,
    );
    expect(left.status).toBe(404);
    // helm keeps CRDs from crds/ on uninstall, so ModelDeployments survive a chart removal.
    const crd = await cluster.client.request(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/modeldeployments.serving.switchyard.dev',
    );
    expect(crd.status).toBe(200);
  }, 360_000);
});

interface ScaledObject {
  spec: { triggers: { type: string; metadata: Record<string, string> }[] };
}

interface GatewayYaml {
  server: Record<string, unknown>;
  scaler: Record<string, unknown>;
  discovery: { kubernetes: Record<string, unknown> };
}

interface ChatCompletion {
  model: string;
  choices: { message: { content: string } }[];
}

interface ModelDeployment {
  metadata: { name: string; generation?: number };
  status?: {
    observedGeneration?: number;
    activeRevision?: string;
    conditions?: { type: string; status: string; reason: string }[];
  };
}

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string; serviceAccountName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
