/**
 * The shapes of the Kubernetes objects the operator reads and writes, as far as it uses them. Plain
 * interfaces (not @kubernetes/client-node's models) so the pure planner and its tests need no client.
 */
import type { ObjectMeta } from '@switchyard/api';

/** Any object: apiVersion, kind and metadata, the rest untyped. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** apps/v1 Deployment, the fields the operator reads back. */
export interface Deployment extends KubeObject {
  spec: { replicas?: number; [field: string]: unknown };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
  };
}

/** v1 Pod, the fields discovery and analysis read. */
export interface Pod extends KubeObject {
  spec?: { containers?: { name: string; ports?: { containerPort: number }[] }[] };
  status?: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
}

/** v1 Service, the fields the operator compares. */
export interface Service extends KubeObject {
  spec: { selector?: Record<string, string>; [field: string]: unknown };
}

/** Where an object lives in the REST API. */
export interface ResourceRef {
  /** `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
}

/** The resources the operator touches. */
export const Resources = {
  modelDeployments: { group: 'serving.switchyard.dev', version: 'v1alpha1', plural: 'modeldeployments' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments' },
  services: { group: '', version: 'v1', plural: 'services' },
  pods: { group: '', version: 'v1', plural: 'pods' },
  events: { group: '', version: 'v1', plural: 'events' },
  scaledObjects: { group: 'keda.sh', version: 'v1alpha1', plural: 'scaledobjects' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' },
} as const satisfies Record<string, ResourceRef>;

/** The REST path of a resource (collection when `name` is absent). */
export function resourcePath(ref: ResourceRef): string {
  const base = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  const name = ref.name ? `/${encodeURIComponent(ref.name)}` : '';
  return `${base}${ns}/${ref.plural}${name}`;
}

/** True when a pod is Ready, has an IP and is not terminating. */
export function isPodReady(pod: Pod): boolean {
  if (pod.metadata.deletionTimestamp || !pod.status?.podIP) return false;
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
