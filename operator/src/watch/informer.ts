/**
 * An informer: lists a resource, keeps a local cache, and watches from the list's resourceVersion,
 * re-listing when the watch expires (410 Gone) or fails. Handlers hear adds, updates and deletes;
 * a periodic resync replays the cache so nothing depends on never missing an event.
 */
import { isNotFound, type KubeApi } from '../k8s/kube-api.ts';
import type { KubeObject, ResourceRef } from '../k8s/objects.ts';

/** Options of {@link Informer}; every default is written here. */
export interface InformerOptions {
  labelSelector?: string;
  /** Replay the whole cache to the handler this often (default 5 min; 0 turns it off). */
  resyncMs?: number;
  /** Server-side watch timeout; the informer re-watches (default 25 s, under the client's 30 s idle limit). */
  watchTimeoutSeconds?: number;
  /** Delay before re-listing after an error (default 1 s). */
  relistDelayMs?: number;
  /** Told about watch failures (the informer recovers on its own). */
  onError?: (error: unknown) => void;
  /**
   * The resource may not exist in this cluster (an optional CRD such as KEDA's): a 404 counts as an
   * empty, synced list, and the informer looks again after `absentRetryMs` (default 30 s).
   */
  optional?: boolean;
  absentRetryMs?: number;
}

/** What changed. */
export type InformerHandler<T> = (type: 'add' | 'update' | 'delete' | 'resync', object: T) => void;

/** `namespace/name` of an object. */
export function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** A cached, watched view of one resource. */
export class Informer<T extends KubeObject> {
  #kube: KubeApi;
  #ref: ResourceRef;
  #options: InformerOptions;
  #handler: InformerHandler<T>;
  #cache = new Map<string, T>();
  #stopped = false;
  #stopWatch: (() => void) | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #synced: Promise<void>;
  #markSynced: () => void = () => {};

  constructor(kube: KubeApi, ref: ResourceRef, handler: InformerHandler<T>, options: InformerOptions = {}) {
    this.#kube = kube;
    this.#ref = ref;
    this.#handler = handler;
    this.#options = options;
    this.#synced = new Promise((resolve) => {
      this.#markSynced = resolve;
    });
  }

  /** Starts listing and watching; resolves after the first list. */
  async start(): Promise<void> {
    void this.#loop();
    const resyncMs = this.#options.resyncMs ?? 300_000;
    if (resyncMs > 0) {
      this.#resyncTimer = setInterval(() => {
        for (const object of this.#cache.values()) this.#handler('resync', object);
      }, resyncMs);
      this.#resyncTimer.unref();
    }
    await this.#synced;
  }

  /** Stops watching. */
  stop(): void {
    this.#stopped = true;
    this.#stopWatch?.();
    if (this.#resyncTimer) clearInterval(this.#resyncTimer);
  }

  /** Cached objects, optionally filtered. */
  list(filter?: (object: T) => boolean): T[] {
    const all = [...this.#cache.values()];
    return filter ? all.filter(filter) : all;
  }

  /** A cached object by `namespace/name`. */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      try {
        const list = await this.#kube.list<T>(this.#ref, { labelSelector: this.#options.labelSelector });
        this.#replace(list.items);
        this.#markSynced();
        let resourceVersion = list.resourceVersion;
        while (!this.#stopped) {
          let gone = false;
          const handle = await this.#kube.watch<T>(
            this.#ref,
            {
              labelSelector: this.#options.labelSelector,
              resourceVersion,
              timeoutSeconds: this.#options.watchTimeoutSeconds ?? 25,
            },
            (event) => {
              const rv = event.object?.metadata?.resourceVersion;
              if (event.type === 'ERROR') {
                gone = true;
                return;
              }
              if (rv) resourceVersion = rv;
              if (event.type === 'BOOKMARK') return;
              this.#apply(event.type, event.object);
            },
          );
          this.#stopWatch = handle.stop;
          await handle.done;
          if (gone) break;
        }
      } catch (error) {
        if (this.#stopped) return;
        if (this.#options.optional && isNotFound(error)) {
          this.#replace([]);
          this.#markSynced();
          await new Promise((r) => setTimeout(r, this.#options.absentRetryMs ?? 30_000).unref());
          continue;
        }
        this.#options.onError?.(error);
      }
      if (!this.#stopped)
        await new Promise((r) => setTimeout(r, this.#options.relistDelayMs ?? 1000).unref());
    }
  }

  #replace(items: T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(objectKey(item));
      this.#apply(this.#cache.has(objectKey(item)) ? 'MODIFIED' : 'ADDED', item);
    }
    for (const [key, object] of this.#cache) {
      if (!seen.has(key)) this.#apply('DELETED', object);
    }
  }

  #apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void {
    const key = objectKey(object);
    if (type === 'DELETED') {
      this.#cache.delete(key);
      this.#handler('delete', object);
      return;
    }
    const previous = this.#cache.get(key);
    if (previous?.metadata.resourceVersion === object.metadata.resourceVersion && previous) return;
    this.#cache.set(key, object);
    this.#handler(previous ? 'update' : 'add', object);
  }
}
