/**
 * The objects of one ModelDeployment as the operator writes them: a Deployment per revision (fetch init
 * container, engine container with vLLM flags and readiness on /health), the stable and preview
 * Services, and the KEDA ScaledObject of the active revision. Pure builders; apply.ts sends them.
 */
import { type ModelDeploymentSpec, ServingAnnotation, ServingLabel } from '@switchyard/api';
import type { KubeObject } from '../k8s/objects.ts';
import type { ResolvedVersion } from './revision-name.ts';
import { modelLabelValue } from './revision-name.ts';

/** The owner a built object points back to. */
export interface Owner {
  name: string;
  namespace: string;
  uid: string;
}

/** Where the fetch init container puts the model and the engine reads it. */
export const MODEL_VOLUME_PATH = '/models';

function ownerReferences(owner: Owner) {
  return [
    {
      apiVersion: 'serving.switchyard.dev/v1alpha1',
      kind: 'ModelDeployment',
      name: owner.name,
      uid: owner.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

/** Labels that tie an object to its ModelDeployment and (optionally) a revision. */
export function servingLabels(owner: Owner, model: string, revision?: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'vllm',
    'app.kubernetes.io/managed-by': 'switchyard-operator',
    [ServingLabel.modelDeployment]: owner.name,
    [ServingLabel.model]: modelLabelValue(model),
    ...(revision ? { [ServingLabel.revision]: revision } : {}),
  };
}

/** The engine's command-line: model path, vLLM flags the operator owns, then the spec's extra args. */
export function engineArgs(spec: ModelDeploymentSpec, target: ResolvedVersion): string[] {
  const args = [
    `${MODEL_VOLUME_PATH}/${target.registryModel}/${target.version}`,
    '--served-model-name',
    spec.model,
    '--port',
    String(spec.engine.port),
  ];
  if (spec.engine.otlpTracesEndpoint) args.push('--otlp-traces-endpoint', spec.engine.otlpTracesEndpoint);
  return [...args, ...spec.engine.args];
}

/** The Deployment of one revision. */
export function buildRevisionDeployment(options: {
  owner: Owner;
  spec: ModelDeploymentSpec;
  target: ResolvedVersion;
  revision: string;
  replicas: number;
  /** The pods' ServiceAccount (registry access for the fetch init container); absent: the namespace default. */
  serviceAccountName?: string;
}): KubeObject {
  const { owner, spec, target, revision } = options;
  const labels = {
    ...servingLabels(owner, spec.model, revision),
    [ServingLabel.version]: modelLabelValue(target.version),
  };
  const modelDir = `${MODEL_VOLUME_PATH}/${target.registryModel}/${target.version}`;
  const limits: Record<string, string> = { memory: spec.resources.memory };
  if (spec.resources.gpu > 0) limits[spec.resources.gpuResourceName] = String(spec.resources.gpu);
  const annotations = {
    [ServingAnnotation.servedModel]: spec.model,
    ...(target.manifestDigest ? { [ServingAnnotation.manifestDigest]: target.manifestDigest } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: revision,
      namespace: owner.namespace,
      labels,
      annotations: { ...annotations, [ServingAnnotation.version]: target.version },
      ownerReferences: ownerReferences(owner),
    },
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: 0,
      progressDeadlineSeconds: spec.rollout.progressDeadlineSeconds,
      selector: {
        matchLabels: { [ServingLabel.modelDeployment]: owner.name, [ServingLabel.revision]: revision },
      },
      template: {
        metadata: { labels, annotations: { ...spec.engine.podAnnotations, ...annotations } },
        spec: {
          terminationGracePeriodSeconds: 60,
          ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
          nodeSelector: spec.nodeSelector,
          tolerations: spec.tolerations,
          volumes: [{ name: 'models', emptyDir: {} }],
          initContainers: [
            {
              name: 'fetch-model',
              image: spec.registry.fetchImage,
              command: ['llmctl', 'registry', 'fetch', target.registryModel, target.version, modelDir],
              ...(spec.registry.configSecretName
                ? { envFrom: [{ secretRef: { name: spec.registry.configSecretName } }] }
                : {}),
              volumeMounts: [{ name: 'models', mountPath: MODEL_VOLUME_PATH }],
            },
          ],
          containers: [
            {
              name: 'engine',
              image: spec.engine.image,
              args: engineArgs(spec, target),
              env: spec.engine.env,
              ports: [{ name: 'http', containerPort: spec.engine.port }],
              readinessProbe: {
                httpGet: { path: '/health', port: spec.engine.port },
                periodSeconds: 2,
                failureThreshold: 3,
              },
              startupProbe: {
                httpGet: { path: '/health', port: spec.engine.port },
                periodSeconds: 5,
                failureThreshold: 360,
              },
              resources: { requests: { cpu: spec.resources.cpu, ...limits }, limits },
              volumeMounts: [{ name: 'models', mountPath: MODEL_VOLUME_PATH, readOnly: true }],
            },
          ],
        },
      },
    },
  };
}

/** The stable (`role: stable`) or preview Service, selecting one revision's pods. */
export function buildService(options: {
  owner: Owner;
  spec: ModelDeploymentSpec;
  name: string;
  role: 'stable' | 'preview';
  revision: string;
}): KubeObject {
  const { owner, spec } = options;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: options.name,
      namespace: owner.namespace,
      labels: { ...servingLabels(owner, spec.model), [ServingLabel.role]: options.role },
      ownerReferences: ownerReferences(owner),
    },
    spec: {
      type: 'ClusterIP',
      selector: { [ServingLabel.modelDeployment]: owner.name, [ServingLabel.revision]: options.revision },
      ports: [{ name: 'http', port: spec.engine.port, targetPort: 'http' }],
    },
  };
}
