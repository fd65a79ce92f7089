/**
 * Kubernetes discovery: watches ModelDeployments (for each model's `status.activeRevision`) and the pods
 * the operator labels, and replaces the EndpointTable with the ready pods of each active revision. When
 * `activeRevision` flips, the very next watch event re-points the model: new requests go to the new pods
 * while requests in flight on the old ones finish (the old pods stay up for the rollout's scale-down
 * delay). A model whose active revision has no ready pod (scaled to zero, starting) stays known with a
 * not-ready placeholder, so the admission queue holds its requests instead of answering 404.
 * A pod is routed to only after it answered `/health` once from here: a pod can be Ready before its
 * engine listens where the gateway reaches it (no probe ran from the gateway's side; simulated nodes
 * mark pods Ready at once). Pods are probed when first seen Ready, whatever their revision, so a
 * candidate is already vetted when `activeRevision` flips and the switch waits on nothing.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ServingLabel } from '@switchyard/api';
import type { EndpointSpec, EndpointTable } from './endpoint-table.ts';
import { listAndWatch, loadKubeConfig, type WatchedObject } from './kubernetes-watch.ts';

interface ModelDeploymentObject extends WatchedObject {
  spec?: { model?: string; engine?: { port?: number } };
  status?: { activeRevision?: string };
}

interface PodObject extends WatchedObject {
  spec?: { containers?: { ports?: { containerPort: number }[] }[] };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}

/** Options of {@link startKubernetesDiscovery}. */
export interface KubernetesDiscoveryOptions {
  table: EndpointTable;
  /** kubeconfig file; absent: in-cluster (or the default kubeconfig). */
  kubeconfig?: string;
  /** Watch one namespace (default: all the gateway may see). */
  namespace?: string;
  /** Static endpoints kept alongside the discovered ones. */
  staticEndpoints?: readonly EndpointSpec[];
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Told after every table update (tests and the benchmark measure switch time with it). */
  onUpdate?: (specs: readonly EndpointSpec[]) => void;
  /** Probes a pod before it gets traffic (default: GET `<url>/health` answers 200 within 1 s). */
  healthCheck?: (url: string) => Promise<boolean>;
  /** Between probes of a pod that is not healthy yet (default 250 ms). */
  healthRetryMs?: number;
}

async function defaultHealthCheck(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** A running discovery. */
export interface KubernetesDiscovery {
  /** Resolves once ModelDeployments and pods were listed once. */
  synced: Promise<void>;
  stop(): void;
}

const keyOf = (o: WatchedObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function isReady(pod: PodObject): boolean {
  if (pod.metadata.deletionTimestamp || !pod.status?.podIP) return false;
  return pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

const podUrl = (pod: PodObject, port: number) =>
  `http://${pod.status!.podIP}:${pod.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? port}`;

/** Endpoints of the active revisions: the pure part, tested on its own. */
export function activeEndpoints(
  modelDeployments: Iterable<ModelDeploymentObject>,
  pods: Iterable<PodObject>,
  isHealthy: (url: string) => boolean = () => true,
): EndpointSpec[] {
  const byRevision = new Map<string, PodObject[]>();
  for (const pod of pods) {
    const revision = pod.metadata.labels?.[ServingLabel.revision];
    if (!revision) continue;
    const key = `${pod.metadata.namespace ?? ''}/${revision}`;
    byRevision.set(key, [...(byRevision.get(key) ?? []), pod]);
  }
  const specs: EndpointSpec[] = [];
  for (const md of modelDeployments) {
    const model = md.spec?.model;
    const active = md.status?.activeRevision;
    if (!model || !active) continue;
    const namespace = md.metadata.namespace ?? '';
    const port = md.spec?.engine?.port ?? 8000;
    const ready = (byRevision.get(`${namespace}/${active}`) ?? []).filter(isReady);
    for (const pod of ready) {
      const url = podUrl(pod, port);
      specs.push({ id: `${namespace}/${pod.metadata.name}`, url, model, ready: isHealthy(url) });
    }
    if (ready.length === 0) {
      // Scaled to zero or starting: keep the model known so requests wait for a pod.
      specs.push({
        id: `${namespace}/${md.metadata.name}#waiting`,
        url: `http://${md.metadata.name}.${namespace}.svc:${port}`,
        model,
        ready: false,
      });
    }
  }
  return specs.sort((a, b) => a.id.localeCompare(b.id));
}

/** Starts watching; the table is replaced on every relevant change. */
export function startKubernetesDiscovery(options: KubernetesDiscoveryOptions): KubernetesDiscovery {
  const config: KubeConfig = loadKubeConfig(options.kubeconfig);
  const controller = new AbortController();
  const mds = new Map<string, ModelDeploymentObject>();
  const pods = new Map<string, PodObject>();
  const healthy = new Set<string>();
  const probing = new Set<string>();
  const check = options.healthCheck ?? defaultHealthCheck;
  const retryMs = options.healthRetryMs ?? 250;
  /** Probes newly Ready pods until healthy (or gone); each success updates the table. */
  const probeNewPods = () => {
    const live = new Set<string>();
    for (const pod of pods.values()) {
      if (!isReady(pod)) continue;
      const url = podUrl(pod, 8000);
      live.add(url);
      if (healthy.has(url) || probing.has(url)) continue;
      probing.add(url);
      void (async () => {
        while (!controller.signal.aborted && probing.has(url)) {
          if (await check(url)) {
            probing.delete(url);
            healthy.add(url);
            update();
            return;
          }
          await new Promise((r) => setTimeout(r, retryMs));
        }
      })();
    }
    for (const url of [...healthy, ...probing]) {
      if (!live.has(url)) {
        healthy.delete(url);
        probing.delete(url);
      }
    }
  };
  let last = '';
  const update = () => {
    probeNewPods();
    const specs = [
      ...(options.staticEndpoints ?? []),
      ...activeEndpoints(mds.values(), pods.values(), (url) => healthy.has(url)),
    ];
    const fingerprint = JSON.stringify(specs);
    if (fingerprint === last) return;
    last = fingerprint;
    options.table.replace(specs);
    options.onUpdate?.(specs);
    options.log?.('endpoints updated', { endpoints: specs.length, models: options.table.models() });
  };
  const sink = <T extends WatchedObject>(map: Map<string, T>) => ({
    reset(items: T[]) {
      map.clear();
      for (const item of items) map.set(keyOf(item), item);
      update();
    },
    upsert(item: T) {
      map.set(keyOf(item), item);
      update();
    },
    remove(item: T) {
      map.delete(keyOf(item));
      update();
    },
  });
  const ns = options.namespace ? `/namespaces/${options.namespace}` : '';
  const onError = (error: unknown) =>
    options.log?.('kubernetes watch failed; re-listing', { error: String(error) });
  let syncedCount = 0;
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const onSynced = () => {
    if (++syncedCount === 2) markSynced();
  };
  void listAndWatch(config, `/apis/serving.switchyard.dev/v1alpha1${ns}/modeldeployments`, sink(mds), {
    signal: controller.signal,
    onError,
    onSynced,
  });
  void listAndWatch(config, `/api/v1${ns}/pods`, sink(pods), {
    signal: controller.signal,
    labelSelector: ServingLabel.revision,
    onError,
    onSynced,
  });
  return { synced, stop: () => controller.abort() };
}
