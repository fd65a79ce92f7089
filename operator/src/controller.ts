/**
 * The controller: informers on ModelDeployments and their Deployments feed one serialized queue per
 * ModelDeployment key; the queue runs reconcileModelDeployment with retries and requeues; informers
 * resync periodically. Start it only while holding the leader Lease (main.ts).
 */
import { type ModelDeployment, ServingLabel } from '@switchyard/api';
import type { Analyzer } from './analysis/run-analysis.ts';
import type { KubeApi } from './k8s/kube-api.ts';
import { type Deployment, type KubeObject, Resources } from './k8s/objects.ts';
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

/** Starts informers and the queue; resolves once both caches are filled. */
export async function startController(options: ControllerOptions): Promise<Controller> {
  const { kube } = options;
  const scope = options.namespace ? { namespace: options.namespace } : {};
  let deployments: Informer<Deployment> | undefined;
  const deploymentsOf = (namespace: string, name: string) =>
    deployments?.list(
      (d) => d.metadata.namespace === namespace && d.metadata.labels?.[ServingLabel.modelDeployment] === name,
    ) ?? [];
  const queue = new KeyedQueue(
    (key) =>
      reconcileModelDeployment(
        {
          kube,
          versions: options.versions,
          analyze: options.analyze,
          deploymentsOf,
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
  const onError = (error: unknown) => options.log?.('watch failed; re-listing', { error: String(error) });
  deployments = new Informer<Deployment>(
    kube,
    { ...Resources.deployments, ...scope },
    (_type, d) => {
      const owner = d.metadata.labels?.[ServingLabel.modelDeployment];
      if (owner && _type !== 'resync') queue.add(`${d.metadata.namespace ?? ''}/${owner}`);
    },
    {
      labelSelector: ServingLabel.modelDeployment,
      ...(options.resyncMs !== undefined ? { resyncMs: 0 } : {}),
      onError,
    },
  );
  const modelDeployments = new Informer<ModelDeployment & KubeObject>(
    kube,
    { ...Resources.modelDeployments, ...scope },
    (_type, md) => queue.add(objectKey(md)),
    { ...(options.resyncMs !== undefined ? { resyncMs: options.resyncMs } : {}), onError },
  );
  await deployments.start();
  await modelDeployments.start();
  return {
    queue,
    modelDeployments,
    stop() {
      modelDeployments.stop();
      deployments?.stop();
      queue.stop();
    },
  };
}
