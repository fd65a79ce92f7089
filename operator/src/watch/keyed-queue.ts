/**
 * A work queue with one serialized lane per key (`namespace/name`): a key is never processed twice at
 * once, events that arrive while it runs collapse into one more run afterwards, failures retry with
 * per-key exponential backoff, and `addAfter` schedules a look later. A bounded number of keys run in
 * parallel. Lifecycle callbacks feed metrics and the benchmark.
 */

/** Options of {@link KeyedQueue}; every default is written here. */
export interface KeyedQueueOptions {
  /** Keys processed in parallel (default 8). */
  concurrency?: number;
  /** First retry delay after a failure (default 200 ms); doubles per consecutive failure. */
  retryBaseMs?: number;
  /** Ceiling of the retry delay (default 60 s). */
  retryMaxMs?: number;
  /** Called after each run with its duration and error, if any. */
  onProcessed?: (key: string, durationMs: number, error?: unknown) => void;
}

/** What processing a key can ask for. */
export interface ProcessResult {
  /** Look at the key again after this long. */
  requeueAfterMs?: number;
}

/** Processes keys one at a time per key, several keys at once. */
export class KeyedQueue {
  #process: (key: string) => Promise<ProcessResult | undefined>;
  #concurrency: number;
  #retryBaseMs: number;
  #retryMaxMs: number;
  #onProcessed: KeyedQueueOptions['onProcessed'];
  #pending: string[] = [];
  #queued = new Set<string>();
  #running = new Set<string>();
  #dirty = new Set<string>();
  #failures = new Map<string, number>();
  #timers = new Map<string, NodeJS.Timeout>();
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(process: (key: string) => Promise<ProcessResult | undefined>, options: KeyedQueueOptions = {}) {
    this.#process = process;
    this.#concurrency = options.concurrency ?? 8;
    this.#retryBaseMs = options.retryBaseMs ?? 200;
    this.#retryMaxMs = options.retryMaxMs ?? 60_000;
    this.#onProcessed = options.onProcessed;
    if (this.#concurrency < 1) throw new Error('KeyedQueue: concurrency must be at least 1');
  }

  /** Queues `key` now; a run already in progress is followed by exactly one more. */
  add(key: string): void {
    if (this.#stopped) return;
    const timer = this.#timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.#timers.delete(key);
    }
    if (this.#running.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#pending.push(key);
    this.#pump();
  }

  /** Queues `key` after `ms`, unless something queues it sooner. */
  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const existing = this.#timers.get(key);
    if (existing) clearTimeout(existing);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** Keys waiting or running. */
  get size(): number {
    return this.#pending.length + this.#running.size;
  }

  /** Resolves when nothing is queued or running (scheduled retries may still come). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops taking work and cancels scheduled retries; runs in progress finish. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#pending = [];
    this.#queued.clear();
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency && this.#pending.length > 0) {
      const key = this.#pending.shift()!;
      this.#queued.delete(key);
      this.#running.add(key);
      void this.#run(key);
    }
    if (this.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #run(key: string): Promise<void> {
    const started = performance.now();
    let result: ProcessResult | undefined;
    let failure: unknown;
    try {
      result = await this.#process(key);
    } catch (error) {
      failure = error;
    }
    this.#running.delete(key);
    this.#onProcessed?.(key, performance.now() - started, failure);
    if (failure !== undefined) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      this.addAfter(key, Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** (failures - 1)));
    } else {
      this.#failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    }
    if (this.#dirty.delete(key)) this.add(key);
    this.#pump();
  }
}
