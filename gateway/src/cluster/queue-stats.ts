/**
 * Queue counts across a cluster: each worker reports the models whose counts changed (throttled), and the
 * primary sums them for the KEDA external scaler, which then answers for the whole gateway replica.
 */
import type { AdmissionQueue, QueueStats } from '../admission/admission-queue.ts';
import type { ScalerSource } from '../scaler/external-scaler.ts';

const ZERO: QueueStats = { queued: 0, inflight: 0, held: 0 };

/** The primary's view: the latest counts of every worker, summed per model. */
export class ClusterQueueStats implements ScalerSource {
  readonly #byWorker = new Map<number, Map<string, QueueStats>>();
  readonly #listeners = new Set<(model: string) => void>();

  /** Records a worker's report and notifies listeners of each model in it. */
  update(worker: number, stats: Record<string, QueueStats>): void {
    let mine = this.#byWorker.get(worker);
    if (!mine) {
      mine = new Map();
      this.#byWorker.set(worker, mine);
    }
    for (const [model, s] of Object.entries(stats)) mine.set(model, s);
    for (const model of Object.keys(stats)) this.#emit(model);
  }

  /** Forgets a worker that exited (its requests went with it). */
  remove(worker: number): void {
    const mine = this.#byWorker.get(worker);
    this.#byWorker.delete(worker);
    for (const model of mine?.keys() ?? []) this.#emit(model);
  }

  stats(model: string): QueueStats {
    let queued = 0;
    let inflight = 0;
    let held = 0;
    for (const mine of this.#byWorker.values()) {
      const s = mine.get(model) ?? ZERO;
      queued += s.queued;
      inflight += s.inflight;
      held += s.held;
    }
    return { queued, inflight, held };
  }

  models(): string[] {
    const models = new Set<string>();
    for (const mine of this.#byWorker.values()) for (const model of mine.keys()) models.add(model);
    return [...models].sort();
  }

  subscribe(listener: (model: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(model: string): void {
    for (const listener of this.#listeners) listener(model);
  }
}

/**
 * The worker's side: reports changed models at most every `intervalMs`, and at once after a quiet spell,
 * so a request held for a scaled-to-zero model reaches the scaler within a millisecond or so rather than
 * after a full interval. Returns a stop function.
 */
export function reportQueueStats(
  queue: Pick<AdmissionQueue, 'stats' | 'subscribe'>,
  send: (stats: Record<string, QueueStats>) => void,
  intervalMs = 50,
): () => void {
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = Number.NEGATIVE_INFINITY;
  const flush = () => {
    timer = undefined;
    lastSent = performance.now();
    const stats: Record<string, QueueStats> = {};
    for (const model of dirty) stats[model] = queue.stats(model);
    dirty.clear();
    send(stats);
  };
  const unsubscribe = queue.subscribe((model) => {
    dirty.add(model);
    if (timer) return;
    const wait = Math.max(0, lastSent + intervalMs - performance.now());
    timer = setTimeout(flush, wait);
    timer.unref();
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
