// testkit: proof that a fresh cluster schedules and runs pods before any test creates one.
//
// A fresh cluster's first pods went through the scheduler, kwok and the controllers while those were still
// starting; once in CI a test's first Deployment never became ready in 60 s while every later one in the
// same cluster did. So startCluster runs a canary first: a plain pod (kwok makes it Running at once, the
// pod runner ignores it) through the scheduler. One that is not Running within the attempt's time is
// deleted and created again, so a pod parked by a component that was not ready yet does not wait for that
// component's own retry (the scheduler re-tries an unschedulable pod within 5 minutes at worst).

import { waitUntil } from '../core/processes.ts';
import type { KubeClient } from './kube-client.ts';

const NAMESPACE = 'kube-system';
const PODS = `/api/v1/namespaces/${NAMESPACE}/pods`;

interface Pod {
  status?: { phase?: string; podIP?: string };
}

/** Creates the canary pod, waits for it to run, and removes it; throws (with `diagnose`) if it never runs. */
export async function runCanaryPod(
  client: KubeClient,
  options: { attempts?: number; attemptMs?: number; diagnose?: () => Promise<string> } = {},
): Promise<void> {
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    const name = `testkit-canary-${attempt}`;
    const created = await client.request('POST', PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NAMESPACE, labels: { 'testkit.switchyard.dev/canary': 'true' } },
      spec: {
        containers: [{ name: 'canary', image: 'fake' }],
        tolerations: [{ operator: 'Exists' }],
        terminationGracePeriodSeconds: 0,
      },
    });
    if (created.status >= 300 && created.status !== 409) {
      throw new Error(`creating the canary pod: ${created.status} ${JSON.stringify(created.body)}`);
    }
    let ran = false;
    try {
      await waitUntil(
        async () => {
          const pod = await client.get<Pod>(`${PODS}/${name}`);
          return pod.status?.phase === 'Running' && Boolean(pod.status.podIP);
        },
        {
          what: `canary pod running (attempt ${attempt} of ${attempts})`,
          timeoutMs: options.attemptMs ?? 15_000,
          intervalMs: 100,
          ...(attempt === attempts && options.diagnose ? { diagnose: options.diagnose } : {}),
        },
      );
      ran = true;
    } catch (error) {
      if (attempt >= attempts) throw error;
    } finally {
      await client.request('DELETE', `${PODS}/${name}?gracePeriodSeconds=0`);
      await waitUntil(async () => (await client.request('GET', `${PODS}/${name}`)).status === 404, {
        what: 'canary pod removed',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
    }
    if (ran) return;
  }
}
