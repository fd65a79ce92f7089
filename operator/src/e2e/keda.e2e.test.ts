// Scaling with the testkit's KEDA: the active revision's ScaledObject points at the gateway's external
// scaler; load through the gateway scales it up, idle scales it to zero, and a request that arrives at
// zero is held by the gateway and served once a pod is up.
import { freePort } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, Resources } from '../k8s/objects.ts';
import {
  FAST_LEASE_ARGS,
  type OperatorProcess,
  startGatewayProcess,
  startLoad,
  startOperatorProcess,
} from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import {
  createModelDeployment,
  E2E_NAMESPACE,
  type E2eCluster,
  simModelDeployment,
  startE2eCluster,
  waitForVersion,
} from './harness.ts';

/** Pod IPs of this file's cluster: a range of its own, so clusters of parallel test files never collide. */
const POD_CIDR = '127.23.0.0/16';

const MODEL = 'scaled';
let env: E2eCluster;
let gateway: { url: string; stop(): void };
let op: OperatorProcess;
let revision: string;

const replicas = async () =>
  (await env.kube.get<Deployment>({ ...Resources.deployments, namespace: E2E_NAMESPACE, name: revision }))
    ?.spec.replicas ?? -1;

beforeAll(async () => {
  env = await startE2eCluster({ keda: true, hpaSyncPeriodSeconds: 1, podCidr: POD_CIDR });
  const scalerPort = await freePort();
  gateway = await startGatewayProcess(env.cluster.kubeconfig, {
    scaler: { enabled: true, port: scalerPort },
  });
  op = startOperatorProcess(env.cluster.kubeconfig, 'op-keda', FAST_LEASE_ARGS);
  await createModelDeployment(
    env.kube,
    simModelDeployment(MODEL, 'v1', {
      replicas: { min: 0, max: 3 },
      scaling: {
        enabled: true,
        externalScalerAddress: `127.0.0.1:${scalerPort}`,
        queueDepthPerReplica: 2,
        cooldownSeconds: 5,
        pollingIntervalSeconds: 1,
        engineWaitingPerReplica: 0,
      },
    }),
  );
  revision = await waitForVersion(env.kube, MODEL, 'v1');
});

afterAll(async () => {
  op?.kill();
  gateway?.stop();
  await env?.stop();
});

describe('KEDA scaling of the active revision', () => {
  it('gives the active revision a ScaledObject that KEDA accepts', async () => {
    const so = await waitFor(
      async () => {
        const o = (await env.kube.get({
          ...Resources.scaledObjects,
          namespace: E2E_NAMESPACE,
          name: revision,
        })) as { status?: { conditions?: { type: string; status: string }[] } } | undefined;
        return o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && o;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'ScaledObject Ready' },
    );
    expect(so).toBeTruthy();
  });

  it('scales the idle revision to zero', async () => {
    await waitFor(async () => (await replicas()) === 0, {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: 'scale to zero',
    });
  });

  it('holds a request that arrives at zero and serves it after scale-up', async () => {
    const started = performance.now();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'wake up' }], max_tokens: 4 }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await replicas()).toBeGreaterThanOrEqual(1);
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('scales up under load through the gateway', async () => {
    const load = startLoad(gateway.url, MODEL, 10);
    try {
      await waitFor(async () => (await replicas()) > 1, {
        timeoutMs: 90_000,
        intervalMs: 500,
        what: 'scale up',
      });
    } finally {
      const { failures } = await load.stop();
      expect(failures).toEqual([]);
    }
  });
});
