// Bounded concurrency for transfers: a counting semaphore (memory stays at permits × part size) and a
// mapLimit that stops starting new work after the first failure and waits for what is in flight.

/** A counting semaphore; `acquire` resolves once a permit is free. */
export class Semaphore {
  #free: number;
  readonly #waiters: (() => void)[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1)
      throw new Error(`permits must be a positive integer, got ${permits}`);
    this.#free = permits;
  }

  /** Waits for a permit. */
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Returns a permit, waking the oldest waiter. */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#free += 1;
  }
}

/**
 * Runs `fn` over `items` with at most `limit` at once, results in input order. After the first failure no
 * new item starts; it rethrows that failure once every started item has settled (no stray work left).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  async function worker() {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
