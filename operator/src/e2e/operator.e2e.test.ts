// The operator on a real API server (testkit: kube-apiserver, controller-manager, scheduler, kwok pods
// that run the simulator): create → Ready and serving through the gateway; blue-green promote under load
// with zero failed requests; rollback to the warm revision in under 5 s; failing analysis aborts; an
// operator killed mid-rollout resumes; two replicas, one leader; deletion cleans up.
import { ServingLabel } from '@switchyard/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../k8s/objects.ts';
import {
  FAST_LEASE_ARGS,
  type OperatorProcess,
  startGatewayProcess,
  startLoad,
  startOperatorProcess,
} from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import {
  allServedBy,
  createModelDeployment,
  E2E_NAMESPACE,
  type E2eCluster,
  getModelDeployment,
  patchSpec,
  simModelDeployment,
  startE2eCluster,
  waitForVersion,
} from './harness.ts';

/** Pod IPs of this file's cluster: a range of its own, so clusters of parallel test files never collide. */
const POD_CIDR = '127.21.0.0/16';

const MODEL = 'chat';

let env: E2eCluster;
let gateway: { url: string; stop(): void };
const operators: OperatorProcess[] = [];
const operator = (identity: string) => {
  const p = startOperatorProcess(env.cluster.kubeconfig, identity, FAST_LEASE_ARGS);
  operators.push(p);
  return p;
};
const leaseHolder = async () =>
  (
    (await env.kube.get({
      ...Resources.leases,
      namespace: 'switchyard-system',
      name: 'switchyard-operator',
    })) as { spec?: { holderIdentity?: string } } | undefined
  )?.spec?.holderIdentity;

beforeAll(async () => {
  env = await startE2eCluster({ podCidr: POD_CIDR });
  gateway = await startGatewayProcess(env.cluster.kubeconfig);
  operator('op-a');
});

afterAll(async () => {
  for (const p of operators) p.kill();
  gateway?.stop();
  await env?.stop();
});

describe('operator on a real API server', () => {
  let v1: string;
  let v2: string;

  it('creates a ModelDeployment that becomes Ready and serves through the gateway', async () => {
    await createModelDeployment(env.kube, simModelDeployment(MODEL, 'v1'));
    v1 = await waitForVersion(env.kube, MODEL, 'v1');
    await waitFor(() => allServedBy(env.kube, gateway.url, MODEL, v1, 3), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'gateway serving v1',
    });
  });

  it('promotes v2 blue-green under steady load with zero failed requests', async () => {
    const load = startLoad(gateway.url, MODEL, 4);
    let result: Awaited<ReturnType<typeof load.stop>>;
    try {
      await patchSpec(env.kube, MODEL, { registry: { version: 'v2' } });
      v2 = await waitForVersion(env.kube, MODEL, 'v2');
      await new Promise((r) => setTimeout(r, 1_000)); // keep the load on across the switch
    } finally {
      result = await load.stop();
    }
    const { ok, failures } = result;
    expect(failures).toEqual([]);
    await waitFor(() => allServedBy(env.kube, gateway.url, MODEL, v2, 3), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'gateway on v2',
    });
    expect(ok).toBeGreaterThan(10);
    const status = (await getModelDeployment(env.kube, MODEL))!.status!;
    expect(status.lastAnalysis).toMatchObject({ revision: v2, phase: 'Passed' });
    expect(status.lastAnalysis!.checks.map((c) => c.name)).toEqual([
      'smoke',
      'errorRate',
      'ttftP95',
      'tpotP95',
    ]);
    expect(status.revisions?.find((r) => r.name === v1)?.role).toBe('previous');
  });

  it('rolls back to the still-warm v1 in under 5 seconds, traffic fully on v1', async () => {
    const started = performance.now();
    await patchSpec(env.kube, MODEL, { registry: { version: 'v1' } });
    await waitFor(async () => (await getModelDeployment(env.kube, MODEL))?.status?.activeRevision === v1, {
      timeoutMs: 5_000,
      intervalMs: 20,
      what: 'flip to v1',
    });
    await waitFor(() => allServedBy(env.kube, gateway.url, MODEL, v1, 3), {
      timeoutMs: 5_000,
      intervalMs: 20,
      what: 'gateway on v1',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('aborts a rollout whose analysis fails and keeps traffic on the active revision', async () => {
    await patchSpec(env.kube, MODEL, {
      registry: { version: 'v3' },
      engine: { args: ['--time-scale', '20', '--fault-error-rate', '1'] },
    });
    const status = await waitFor(
      async () => {
        const s = (await getModelDeployment(env.kube, MODEL))?.status;
        return s?.conditions?.find((c) => c.type === 'Degraded' && c.reason === 'AnalysisFailed') && s;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: 'analysis failure' },
    );
    expect(status.activeRevision).toBe(v1);
    expect(status.lastAnalysis?.phase).toBe('Failed');
    expect(await allServedBy(env.kube, gateway.url, MODEL, v1, 3)).toBe(true);
  });

  it('resumes a rollout after the operator is killed mid-rollout', async () => {
    await patchSpec(env.kube, MODEL, {
      registry: { version: 'v4' },
      engine: { args: ['--time-scale', '20'] },
    });
    await waitFor(async () => (await getModelDeployment(env.kube, MODEL))?.status?.previewRevision, {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'candidate created',
    });
    operators[0]!.kill('SIGKILL');
    await operators[0]!.exited;
    operator('op-b');
    const v4 = await waitForVersion(env.kube, MODEL, 'v4');
    await waitFor(() => allServedBy(env.kube, gateway.url, MODEL, v4, 3), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'gateway on v4',
    });
    expect(await leaseHolder()).toBe('op-b');
  });

  it('runs two replicas with exactly one leader, and the standby takes over', async () => {
    const standby = operator('op-c');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await leaseHolder()).toBe('op-b');
    expect(standby.logs.some((l) => l.includes('"leading"'))).toBe(false);
    operators[1]!.kill('SIGKILL');
    await waitFor(async () => (await leaseHolder()) === 'op-c', {
      timeoutMs: 15_000,
      intervalMs: 200,
      what: 'takeover',
    });
    await patchSpec(env.kube, MODEL, { registry: { version: 'v5' } });
    await waitForVersion(env.kube, MODEL, 'v5');
  });

  it('cleans up revisions, Services and the resource itself on deletion', async () => {
    await env.kube.delete({ ...Resources.modelDeployments, namespace: E2E_NAMESPACE, name: MODEL });
    await waitFor(async () => !(await getModelDeployment(env.kube, MODEL)), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'deleted',
    });
    const selector = { labelSelector: `${ServingLabel.modelDeployment}=${MODEL}` };
    await waitFor(
      async () =>
        (await env.kube.list({ ...Resources.deployments, namespace: E2E_NAMESPACE }, selector)).items
          .length === 0 &&
        (await env.kube.list({ ...Resources.services, namespace: E2E_NAMESPACE }, selector)).items.length ===
          0,
      { timeoutMs: 30_000, intervalMs: 200, what: 'owned objects gone' },
    );
  });

  it.each([
    [
      'both a version and a channel',
      { registry: { version: 'v1', channel: 'production' } },
      /exactly one of version or channel/,
    ],
    [
      'min above max',
      { registry: { version: 'v1' }, replicas: { min: 3, max: 2 } },
      /replicas.min must not exceed replicas.max/,
    ],
  ])('has the API server reject %s (CEL)', async (_what, spec, message) => {
    const md = simModelDeployment('invalid', 'v1');
    const error = await createModelDeployment(env.kube, { ...md, spec: { ...md.spec, ...spec } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 422 });
    expect(String((error as Error).message)).toMatch(message);
  });
});
