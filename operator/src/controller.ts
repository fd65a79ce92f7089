/**
 * The controller: informers on ModelDeployments and their Deployments feed one serialized queue per
 * ModelDeployment key; the queue runs reconcileModelDeployment with retries and requeues; informers
 * resync periodically. Start it only while holding the leader Lease (main.ts).
 */
import { type ModelDeployment, ServingLabel } from '@switchyard/api';
import type { Analyzer } from './analysis/run-analysis.ts';
import type { KubeApi } from './k8s/kube-api.ts';
import { type Deployment, type KubeObject, Resources, type Service } from './k8s/objects.ts';
import { reconcileModelDeployment } from './reconcile/reconciler.ts';
import type { VersionSource } from './versions/version-source.ts';
import { Informer, objectKey } from './watch/informer.ts';
import { KeyedQueue } from './watch/keyed-queue.ts';

/** Options of {@link startController}; every default is written here or in the parts it configures. */
export interface ControllerOptions {
  kube: KubeApi;
  versions: VersionSource;
  analyze: Analyzer;
  /** Watch one namespace (default: all). */
  namespace?: string;
  /** Keys reconciled in parallel (default 8). */
  concurrency?: number;
  /** Informer resync period (default 5 min). */
  resyncMs?: number;
  /** ServiceAccount of the model pods. */
  modelServiceAccount?: string;
  /** The gateway's external scaler, for ModelDeployments that name none. */
  scalerAddress?: string;
  now?: () => Date;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Called after every reconcile (benchmark, metrics). */
  onReconciled?: (key: string, durationMs: number, error?: unknown) => void;
}

/** A running controller. */
export interface Controller {
  queue: KeyedQueue;
  modelDeployments: Informer<ModelDeployment & KubeObject>;
  stop(): void;
}

/** Objects labelled as owned by a ModelDeployment, from an informer's cache. */
function ownedBy<T extends KubeObject>(informer: Informer<T>, namespace: string, name: string): T[] {
  return informer.list(
    (o) => o.metadata.namespace === namespace && o.metadata.labels?.[ServingLabel.modelDeployment] === name,
  );
}

/** Starts informers and the queue; resolves once every cache is filled. */
export async function startController(options: ControllerOptions): Promise<Controller> {
  const { kube } = options;
  const scope = options.namespace ? { namespace: options.namespace } : {};
  const owned = { labelSelector: ServingLabel.modelDeployment, resyncMs: 0 };
  const onError = (error: unknown) => options.log?.('watch failed; re-listing', { error: String(error) });
  const ownerKey = (o: KubeObject) => {
    const owner = o.metadata.labels?.[ServingLabel.modelDeployment];
    return owner ? `${o.metadata.namespace ?? ''}/${owner}` : undefined;
  };
  // Filled below; the queue only runs after every informer has synced.
  const informers: {
    deployments?: Informer<Deployment>;
    services?: Informer<Service>;
    scaledObjects?: Informer<KubeObject>;
  } = {};
  const queue = new KeyedQueue(
    (key) =>
      reconcileModelDeployment(
        {
          kube,
          versions: options.versions,
          analyze: options.analyze,
          deploymentsOf: (ns, name) => ownedBy(informers.deployments!, ns, name),
          servicesOf: (ns, name) => ownedBy(informers.services!, ns, name),
          scaledObjectsOf: (ns, name) =>
            ownedBy(informers.scaledObjects!, ns, name).map((o) => o.metadata.name),
          ...(options.modelServiceAccount ? { modelServiceAccount: options.modelServiceAccount } : {}),
          ...(options.scalerAddress ? { scalerAddress: options.scalerAddress } : {}),
          ...(options.now ? { now: options.now } : {}),
          ...(options.log ? { log: options.log } : {}),
        },
        key,
      ),
    {
      concurrency: options.concurrency ?? 8,
      onProcessed: (key, ms, error) => {
        if (error) options.log?.('reconcile failed', { key, error: (error as Error).message });
        options.onReconciled?.(key, ms, error);
      },
    },
  );
  // Deployment status drives rollouts: every change counts. Services and ScaledObjects matter when
  // someone removes one (the operator's own writes would only echo back).
  const enqueueOwner = (onlyDeletes: boolean) => (type: string, o: KubeObject) => {
    const key = ownerKey(o);
    if (key && type !== 'resync' && (!onlyDeletes || type === 'delete')) queue.add(key);
  };
  informers.deployments = new Informer<Deployment>(
    kube,
    { ...Resources.deployments, ...scope },
    enqueueOwner(false),
    {
      ...owned,
      onError,
    },
  );
  informers.services = new Informer<Service>(kube, { ...Resources.services, ...scope }, enqueueOwner(true), {
    ...owned,
    onError,
  });
  informers.scaledObjects = new Informer<KubeObject>(
    kube,
    { ...Resources.scaledObjects, ...scope },
    enqueueOwner(true),
    {
      ...owned,
      optional: true,
      onError,
    },
  );
  const modelDeployments = new Informer<ModelDeployment & KubeObject>(
    kube,
    { ...Resources.modelDeployments, ...scope },
    (_type, md) => queue.add(objectKey(md)),
    { ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}), onError },
  );
  await Promise.all([
    informers.deployments.start(),
    informers.services.start(),
    informers.scaledObjects.start(),
  ]);
  await modelDeployments.start();
  return {
    queue,
    modelDeployments,
    stop() {
      modelDeployments.stop();
      informers.deployments?.stop();
      informers.services?.stop();
      informers.scaledObjects?.stop();
      queue.stop();
    },
  };
}
