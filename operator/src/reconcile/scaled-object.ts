/**
 * The KEDA ScaledObject of the active revision: scales its Deployment between `replicas.min` (zero
 * allowed) and `replicas.max` on the gateway's queue (the gateway's external scaler, or the same number
 * through Prometheus) and on the engines' own `vllm:num_requests_waiting`.
 */
import { type ModelDeploymentSpec, VllmMetric } from '@switchyard/api';
import type { KubeObject } from '../k8s/objects.ts';
import { type Owner, servingLabels } from './manifests.ts';

/** One KEDA trigger. */
export interface KedaTrigger {
  type: string;
  name: string;
  metadata: Record<string, string>;
}

const promString = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** Where the gateway's external scaler is when neither the ModelDeployment nor the operator says. */
export const DEFAULT_SCALER_ADDRESS = 'switchyard-gateway-scaler.switchyard.svc:9090';

/**
 * The triggers a spec asks for, in a fixed order (queue first). `scalerAddress` is the operator's default
 * for specs that name no `externalScalerAddress`.
 */
export function scalingTriggers(
  spec: ModelDeploymentSpec,
  scalerAddress = DEFAULT_SCALER_ADDRESS,
): KedaTrigger[] {
  const { scaling, model } = spec;
  const triggers: KedaTrigger[] = [];
  if (scaling.queueTrigger === 'external') {
    // external-push: the gateway pushes "active" the moment a request is held for a model at zero.
    triggers.push({
      type: 'external-push',
      name: 'gateway-queue',
      metadata: {
        scalerAddress: scaling.externalScalerAddress ?? scalerAddress,
        model,
        metric: 'demand',
        targetValue: String(scaling.queueDepthPerReplica),
      },
    });
  } else {
    triggers.push({
      type: 'prometheus',
      name: 'gateway-queue',
      metadata: {
        serverAddress: scaling.prometheusServerAddress,
        query: `sum(llm_queue_depth{model="${promString(model)}"}) + sum(llm_active_requests{model="${promString(model)}"})`,
        threshold: String(scaling.queueDepthPerReplica),
        activationThreshold: String(scaling.activationQueueDepth),
      },
    });
  }
  if (scaling.engineWaitingPerReplica > 0) {
    triggers.push({
      type: 'prometheus',
      name: 'engine-waiting',
      metadata: {
        serverAddress: scaling.prometheusServerAddress,
        query: `sum(${VllmMetric.numRequestsWaiting}{model_name="${promString(model)}"})`,
        threshold: String(scaling.engineWaitingPerReplica),
        activationThreshold: String(Math.max(scaling.activationQueueDepth, 0)),
      },
    });
  }
  return triggers;
}

/** The ScaledObject of `revision`, named like it. */
export function buildScaledObject(options: {
  owner: Owner;
  spec: ModelDeploymentSpec;
  revision: string;
  /** The operator's default scaler address. */
  scalerAddress?: string;
}): KubeObject {
  const { owner, spec, revision } = options;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: {
      name: revision,
      namespace: owner.namespace,
      labels: servingLabels(owner, spec.model, revision),
      ownerReferences: [
        {
          apiVersion: 'serving.switchyard.dev/v1alpha1',
          kind: 'ModelDeployment',
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: revision },
      minReplicaCount: spec.replicas.min,
      maxReplicaCount: spec.replicas.max,
      cooldownPeriod: spec.scaling.cooldownSeconds,
      pollingInterval: spec.scaling.pollingIntervalSeconds,
      triggers: scalingTriggers(spec, options.scalerAddress),
    },
  };
}
