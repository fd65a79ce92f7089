/**
 * Observe: gathers what the cluster shows for one ModelDeployment into the planner's context object:
 * its revisions (from the Deployment cache), Services, ScaledObjects, and the resolved target version.
 */
import {
  type ModelDeployment,
  ModelDeploymentApi,
  type ModelDeploymentSpec,
  ServingAnnotation,
  ServingLabel,
} from '@switchyard/api';
import type { KubeApi } from '../k8s/kube-api.ts';
import { isNotFound } from '../k8s/kube-api.ts';
import { type Deployment, type KubeObject, Resources, type Service } from '../k8s/objects.ts';
import { resolveTarget, type VersionSource } from '../versions/version-source.ts';
import type { ObservedState, RevisionObservation } from './observed.ts';
import { revisionHash, revisionName, serviceNames } from './revision-name.ts';

/** What observe reads from. */
export interface ObserveDeps {
  kube: KubeApi;
  versions: VersionSource;
  /** Revisions (Deployments) owned by a ModelDeployment, from the informer cache. */
  deploymentsOf(namespace: string, name: string): Deployment[];
  /** Its Services, from the informer cache (absent: read from the API server). */
  servicesOf?(namespace: string, name: string): Service[];
  /** Names of its ScaledObjects, from the informer cache (absent: listed from the API server). */
  scaledObjectsOf?(namespace: string, name: string): string[];
  now(): Date;
}

/** A Deployment as the planner sees a revision. */
export function toRevisionObservation(deployment: Deployment): RevisionObservation {
  const annotations = deployment.metadata.annotations ?? {};
  const status = deployment.status ?? {};
  const stale = (deployment.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  const current = stale === undefined || stale >= (deployment.metadata.generation ?? 0);
  return {
    name: deployment.metadata.name,
    version:
      annotations[ServingAnnotation.version] ?? deployment.metadata.labels?.[ServingLabel.version] ?? '',
    replicas: deployment.spec.replicas ?? 1,
    readyReplicas: status.readyReplicas ?? 0,
    availableReplicas: current
      ? (status.availableReplicas ?? 0)
      : Math.min(status.availableReplicas ?? 0, deployment.spec.replicas ?? 1),
    ...(deployment.metadata.creationTimestamp ? { createdAt: deployment.metadata.creationTimestamp } : {}),
    ...(annotations[ServingAnnotation.scaleDownAt]
      ? { scaleDownAt: annotations[ServingAnnotation.scaleDownAt] }
      : {}),
  };
}

async function serviceRevision(kube: KubeApi, namespace: string, name: string): Promise<string | undefined> {
  const service = await kube.get<Service>({ ...Resources.services, namespace, name });
  return service?.spec.selector?.[ServingLabel.revision];
}

async function scaledObjectNames(kube: KubeApi, namespace: string, name: string): Promise<string[]> {
  try {
    const list = await kube.list<KubeObject>(
      { ...Resources.scaledObjects, namespace },
      { labelSelector: `${ServingLabel.modelDeployment}=${name}` },
    );
    return list.items.map((so) => so.metadata.name);
  } catch (error) {
    if (isNotFound(error)) return []; // KEDA not installed: nothing to clean up
    throw error;
  }
}

/** Builds the observed state of `md` with its already-parsed spec. */
export async function observe(
  deps: ObserveDeps,
  md: ModelDeployment,
  spec: ModelDeploymentSpec,
): Promise<ObservedState> {
  const namespace = md.metadata.namespace ?? 'default';
  const name = md.metadata.name;
  const names = serviceNames(name);
  const deleting = Boolean(md.metadata.deletionTimestamp);
  const cachedServices = deps.servicesOf?.(namespace, name);
  const cachedRevision = (service: string) =>
    cachedServices?.find((s) => s.metadata.name === service)?.spec.selector?.[ServingLabel.revision];
  const [resolved, stable, preview, scaledObjects] = await Promise.all([
    deleting ? Promise.resolve(undefined) : resolveTarget(deps.versions, spec),
    cachedServices ? cachedRevision(names.stable) : serviceRevision(deps.kube, namespace, names.stable),
    cachedServices ? cachedRevision(names.preview) : serviceRevision(deps.kube, namespace, names.preview),
    deps.scaledObjectsOf?.(namespace, name) ?? scaledObjectNames(deps.kube, namespace, name),
  ]);
  const target: ObservedState['target'] =
    resolved === undefined
      ? { ok: false, reason: 'Deleting', message: 'being deleted' }
      : resolved.ok
        ? {
            ok: true,
            version: resolved.version,
            revision: revisionName(name, revisionHash(spec, resolved.version)),
          }
        : resolved;
  return {
    now: deps.now(),
    name,
    generation: md.metadata.generation ?? 1,
    deleting,
    hasFinalizer: md.metadata.finalizers?.includes(ModelDeploymentApi.finalizer) ?? false,
    annotations: md.metadata.annotations ?? {},
    spec,
    status: md.status ?? {},
    target,
    revisions: deps.deploymentsOf(namespace, name).map(toRevisionObservation),
    scaledObjects,
    services: { ...(stable ? { stable } : {}), ...(preview ? { preview } : {}) },
  };
}
