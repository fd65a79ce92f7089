/**
 * Apply: carries out the planner's actions against the API server, each idempotently (create tolerates
 * AlreadyExists, delete tolerates NotFound), and runs the analysis the plan asks for. Returns the
 * analysis result, if one ran, for the status write.
 */
import {
  type AnalysisResult,
  type ModelDeployment,
  ModelDeploymentApi,
  type ModelDeploymentSpec,
  ServingAnnotation,
  ServingLabel,
} from '@switchyard/api';
import type { Analyzer } from '../analysis/run-analysis.ts';
import { isConflict, type KubeApi } from '../k8s/kube-api.ts';
import { isPodReady, type KubeObject, type Pod, Resources, type Service } from '../k8s/objects.ts';
import { buildRevisionDeployment, buildService, type Owner } from './manifests.ts';
import type { Action } from './observed.ts';
import { serviceNames } from './revision-name.ts';
import { buildScaledObject } from './scaled-object.ts';

/** What apply writes with. */
export interface ApplyDeps {
  kube: KubeApi;
  analyze: Analyzer;
  modelServiceAccount?: string;
  scalerAddress?: string;
}

async function createIgnoringExists(kube: KubeApi, ref: Parameters<KubeApi['create']>[0], body: KubeObject) {
  try {
    await kube.create(ref, body);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

/** Ready pods of a revision as base URLs. */
export async function revisionEndpoints(
  kube: KubeApi,
  namespace: string,
  revision: string,
  port: number,
): Promise<string[]> {
  const pods = await kube.list<Pod>(
    { ...Resources.pods, namespace },
    { labelSelector: `${ServingLabel.revision}=${revision}` },
  );
  return pods.items.filter(isPodReady).map((pod) => `http://${pod.status!.podIP}:${port}`);
}

/** Applies `actions` in order; returns the analysis result when the plan asked for one. */
export async function applyActions(
  deps: ApplyDeps,
  md: ModelDeployment,
  spec: ModelDeploymentSpec,
  actions: readonly Action[],
): Promise<AnalysisResult | undefined> {
  const { kube } = deps;
  const namespace = md.metadata.namespace ?? 'default';
  const owner: Owner = { name: md.metadata.name, namespace, uid: md.metadata.uid ?? '' };
  const mdRef = { ...Resources.modelDeployments, namespace, name: md.metadata.name };
  const deployment = (name: string) => ({ ...Resources.deployments, namespace, name });
  const services = serviceNames(md.metadata.name);
  let analysis: AnalysisResult | undefined;
  for (const action of actions) {
    switch (action.type) {
      case 'addFinalizer':
      case 'removeFinalizer': {
        const current = md.metadata.finalizers ?? [];
        const finalizers =
          action.type === 'addFinalizer'
            ? [...current.filter((f) => f !== ModelDeploymentApi.finalizer), ModelDeploymentApi.finalizer]
            : current.filter((f) => f !== ModelDeploymentApi.finalizer);
        await kube.patch(mdRef, { metadata: { finalizers, resourceVersion: md.metadata.resourceVersion } });
        break;
      }
      case 'createRevision':
        await createIgnoringExists(
          kube,
          { ...Resources.deployments, namespace },
          buildRevisionDeployment({
            owner,
            spec,
            target: action.version,
            revision: action.revision,
            replicas: action.replicas,
            ...(deps.modelServiceAccount ? { serviceAccountName: deps.modelServiceAccount } : {}),
          }),
        );
        break;
      case 'scaleRevision':
        await kube.patch(deployment(action.revision), { spec: { replicas: action.replicas } });
        break;
      case 'markScaleDown':
        await kube.patch(deployment(action.revision), {
          metadata: { annotations: { [ServingAnnotation.scaleDownAt]: action.at } },
        });
        break;
      case 'deleteRevision':
        await kube.delete(deployment(action.revision));
        break;
      case 'pointService': {
        const name = services[action.role];
        const ref = { ...Resources.services, namespace, name };
        const existing = await kube.get<Service>(ref);
        const body = buildService({ owner, spec, name, role: action.role, revision: action.revision });
        const selector = (body.spec as Service['spec']).selector;
        if (!existing) await createIgnoringExists(kube, { ...Resources.services, namespace }, body);
        else if (JSON.stringify(existing.spec.selector) !== JSON.stringify(selector)) {
          await kube.patch(ref, { spec: { selector } });
        }
        break;
      }
      case 'deleteService':
        await kube.delete({ ...Resources.services, namespace, name: services[action.role] });
        break;
      case 'ensureScaledObject':
        // The plan reads a cache; a ScaledObject created a moment ago may not be in it yet.
        if (await kube.get({ ...Resources.scaledObjects, namespace, name: action.revision })) break;
        await createIgnoringExists(
          kube,
          { ...Resources.scaledObjects, namespace },
          buildScaledObject({
            owner,
            spec,
            revision: action.revision,
            ...(deps.scalerAddress ? { scalerAddress: deps.scalerAddress } : {}),
          }),
        );
        break;
      case 'deleteScaledObject':
        await kube.delete({ ...Resources.scaledObjects, namespace, name: action.name });
        break;
      case 'runAnalysis': {
        const endpoints = await revisionEndpoints(kube, namespace, action.revision, spec.engine.port);
        analysis = await deps.analyze({ revision: action.revision, endpoints, spec });
        break;
      }
    }
  }
  return analysis;
}
