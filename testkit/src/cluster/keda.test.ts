import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../core/processes.ts';
import { type Cluster, startCluster } from './cluster.ts';

describe('startCluster with KEDA', () => {
  let cluster: Cluster;
  let metricServer: Server;
  let metricValue = 0;
  let metricUrl = '';
  beforeAll(async () => {
    metricServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ queue: { depth: metricValue } }));
    });
    await new Promise<void>((r) => metricServer.listen(0, '127.0.0.1', r));
    const address = metricServer.address();
    metricUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metric`;
    cluster = await startCluster({ kwok: true, keda: true });
  });
  afterAll(async () => {
    await cluster?.stop();
    metricServer?.close();
  });

  async function replicas(): Promise<number> {
    const scale = await cluster.client.get<{ spec: { replicas?: number } }>(
      '/apis/apps/v1/namespaces/default/deployments/worker/scale',
    );
    return scale.spec.replicas ?? 0;
  }

  it('scales a Deployment up and back down through a ScaledObject and the HPA', async () => {
    await cluster.client.apply([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'worker', namespace: 'default' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'worker' } },
          template: {
            metadata: { labels: { app: 'worker' } },
            spec: { containers: [{ name: 'worker', image: 'fake' }] },
          },
        },
      },
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'worker', namespace: 'default' },
        spec: {
          scaleTargetRef: { name: 'worker' },
          pollingInterval: 1,
          minReplicaCount: 1,
          maxReplicaCount: 4,
          advanced: {
            horizontalPodAutoscalerConfig: {
              behavior: {
                scaleUp: { stabilizationWindowSeconds: 0 },
                scaleDown: {
                  stabilizationWindowSeconds: 0,
                  policies: [{ type: 'Percent', value: 100, periodSeconds: 1 }],
                },
              },
            },
          },
          triggers: [
            {
              type: 'metrics-api',
              metadata: { url: metricUrl, valueLocation: 'queue.depth', targetValue: '1' },
            },
          ],
        },
      },
    ]);
    await waitUntil(
      async () => {
        const hpa = await cluster.client.request(
          'GET',
          '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/keda-hpa-worker',
        );
        return hpa.status === 200;
      },
      { what: 'KEDA created the HPA', timeoutMs: 60_000, diagnose: () => cluster.diagnose() },
    );
    metricValue = 3;
    await waitUntil(async () => (await replicas()) === 3, {
      what: 'scale up to 3',
      timeoutMs: 90_000,
      diagnose: () => cluster.diagnose(),
    });
    // The HPA controller read the value through the aggregated external-metrics API served by KEDA's adapter.
    // It writes the scale first and its own status after, so the status is awaited, not read once.
    let metricType: string | undefined;
    await waitUntil(
      async () => {
        const hpa = await cluster.client.get<{ status?: { currentMetrics?: { type: string }[] } }>(
          '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/keda-hpa-worker',
        );
        metricType = hpa.status?.currentMetrics?.[0]?.type;
        return metricType !== undefined;
      },
      {
        what: 'the HPA status lists its current metric',
        timeoutMs: 30_000,
        diagnose: () => cluster.diagnose(),
      },
    );
    expect(metricType).toBe('External');
    metricValue = 0;
    await waitUntil(async () => (await replicas()) === 1, {
      what: 'scale back down to 1',
      timeoutMs: 90_000,
      diagnose: () => cluster.diagnose(),
    });
    expect(await replicas()).toBe(1);
  });
});
