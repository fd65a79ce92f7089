/**
 * Kubernetes Events for a ModelDeployment: every planned transition becomes one Event on the resource,
 * so `kubectl describe` and `llmctl status` tell the rollout's story. Failing to record an event never
 * fails a reconcile.
 */
import { randomBytes } from 'node:crypto';
import type { ModelDeployment } from '@switchyard/api';
import type { KubeApi } from '../k8s/kube-api.ts';
import { Resources } from '../k8s/objects.ts';
import type { PlannedEvent } from './observed.ts';

/** Component name on recorded events. */
export const EVENT_SOURCE = 'switchyard-operator';

/** Records `events` on `md`; errors are reported to `onError` and swallowed. */
export async function recordEvents(
  kube: KubeApi,
  md: ModelDeployment,
  events: readonly PlannedEvent[],
  now: Date,
  onError: (error: unknown) => void = () => {},
): Promise<void> {
  const namespace = md.metadata.namespace ?? 'default';
  await Promise.all(
    events.map(async (event) => {
      try {
        await kube.create(
          { ...Resources.events, namespace },
          {
            apiVersion: 'v1',
            kind: 'Event',
            metadata: {
              name: `${md.metadata.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`,
              namespace,
            },
            involvedObject: {
              apiVersion: md.apiVersion,
              kind: md.kind,
              name: md.metadata.name,
              namespace,
              uid: md.metadata.uid,
              resourceVersion: md.metadata.resourceVersion,
            },
            type: event.type,
            reason: event.reason,
            message: event.message,
            source: { component: EVENT_SOURCE },
            reportingComponent: EVENT_SOURCE,
            firstTimestamp: now.toISOString(),
            lastTimestamp: now.toISOString(),
            count: 1,
          },
        );
      } catch (error) {
        onError(error);
      }
    }),
  );
}
