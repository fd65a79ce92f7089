/**
 * A minimal list-then-watch loop for the gateway's Kubernetes discovery: @kubernetes/client-node loads the
 * kubeconfig (in-cluster or file) and signs requests; the loop re-lists when a watch expires or fails.
 */
import { KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
import { fetch } from 'undici';

/** An object as discovery reads it. */
export interface WatchedObject {
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  [field: string]: unknown;
}

/** Receives the full set after a list and each change after that. */
export interface WatchSink<T extends WatchedObject> {
  reset(items: T[]): void;
  upsert(item: T): void;
  remove(item: T): void;
}

/** Loads a kubeconfig file, or in-cluster / default configuration when absent. */
export function loadKubeConfig(path?: string): KubeConfig {
  const config = new KubeConfig();
  if (path) config.loadFromFile(path);
  else config.loadFromDefault();
  return config;
}

async function list<T>(config: KubeConfig, path: string): Promise<{ items: T[]; resourceVersion: string }> {
  const server = config.getCurrentCluster()?.server ?? '';
  const ctx = new RequestContext(`${server}${path}`, 'GET');
  await config.applySecurityAuthentication(ctx);
  const dispatcher = ctx.getDispatcher();
  const response = await fetch(`${server}${path}`, {
    headers: { ...ctx.getHeaders(), accept: 'application/json' },
    ...(dispatcher ? { dispatcher: dispatcher as never } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { items?: T[]; metadata?: { resourceVersion?: string } };
  return { items: body.items ?? [], resourceVersion: body.metadata?.resourceVersion ?? '' };
}

/** Lists and watches `path` (a collection URL with optional `?labelSelector=`) until `signal` aborts. */
export async function listAndWatch<T extends WatchedObject>(
  config: KubeConfig,
  path: string,
  sink: WatchSink<T>,
  options: {
    signal: AbortSignal;
    labelSelector?: string;
    onError?: (error: unknown) => void;
    onSynced?: () => void;
  },
): Promise<void> {
  const query = options.labelSelector ? `?labelSelector=${encodeURIComponent(options.labelSelector)}` : '';
  while (!options.signal.aborted) {
    try {
      const initial = await list<T>(config, `${path}${query}`);
      sink.reset(initial.items);
      options.onSynced?.();
      let resourceVersion = initial.resourceVersion;
      for (;;) {
        if (options.signal.aborted) return;
        let expired = false;
        const done = new Promise<void>((resolve, reject) => {
          void new Watch(config)
            .watch(
              path,
              {
                resourceVersion,
                allowWatchBookmarks: true,
                timeoutSeconds: 25,
                labelSelector: options.labelSelector,
              },
              (type, object: T) => {
                if (type === 'ERROR') {
                  expired = true;
                  return;
                }
                if (object?.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
                if (type === 'ADDED' || type === 'MODIFIED') sink.upsert(object);
                else if (type === 'DELETED') sink.remove(object);
              },
              (error) => (error && !options.signal.aborted ? reject(error) : resolve()),
            )
            .then((controller) =>
              options.signal.addEventListener('abort', () => controller.abort(), { once: true }),
            );
        });
        await done;
        if (expired) break;
      }
    } catch (error) {
      if (options.signal.aborted) return;
      options.onError?.(error);
      await new Promise((r) => setTimeout(r, 1000).unref());
    }
  }
}
