/** In-memory bucket store: one gateway replica, the default. Full buckets are dropped so memory stays bounded. */
import type { Clock } from './clock.ts';
import { systemScheduler } from './clock.ts';
import type { BucketOp, BucketReport, RateLimitStore, ReserveOutcome } from './store.ts';
import type { BucketState } from './token-bucket.ts';
import { msUntilFull, reserveTokens, settleUsage } from './token-bucket.ts';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  clock?: Clock;
  /** Operations between sweeps that drop buckets which have refilled completely. Default 10 000. */
  sweepEveryOps?: number;
}

/** Creates the in-memory {@link RateLimitStore}. Operations complete synchronously (wrapped in promises). */
export function createMemoryStore(options: MemoryStoreOptions = {}): RateLimitStore & { size(): number } {
  const clock = options.clock ?? systemScheduler;
  const sweepEveryOps = options.sweepEveryOps ?? 10_000;
  const buckets = new Map<string, { state: BucketState; fullAtMs: number }>();
  let ops = 0;

  function save(key: string, state: BucketState, capacity: number, refillPerSecond: number): BucketReport {
    const resetMs = msUntilFull(state.tokens, { capacity, refillPerSecond });
    buckets.set(key, { state, fullAtMs: state.updatedAtMs + resetMs });
    return { key, limit: capacity, remaining: Math.max(0, Math.floor(state.tokens)), resetMs };
  }

  function maybeSweep(now: number): void {
    if (++ops % sweepEveryOps !== 0) return;
    for (const [key, b] of buckets) if (b.fullAtMs <= now) buckets.delete(key);
  }

  return {
    kind: 'memory',
    reserve(list: readonly BucketOp[]): Promise<ReserveOutcome> {
      const now = clock.now();
      maybeSweep(now);
      const result = reserveTokens(
        list.map((op) => ({ spec: op.spec, state: buckets.get(op.key)?.state, cost: op.amount })),
        now,
      );
      const reports = list.map((op, i) => {
        const state = result.states[i]!;
        if (result.allowed) return save(op.key, state, op.spec.capacity, op.spec.refillPerSecond);
        return {
          key: op.key,
          limit: op.spec.capacity,
          remaining: Math.max(0, Math.floor(state.tokens)),
          resetMs: msUntilFull(state.tokens, op.spec),
        };
      });
      return Promise.resolve({
        allowed: result.allowed,
        retryAfterMs: result.retryAfterMs,
        buckets: reports,
      });
    },
    settle(list: readonly BucketOp[]): Promise<void> {
      const now = clock.now();
      for (const op of list) {
        if (op.amount === 0) continue;
        const state = settleUsage(buckets.get(op.key)?.state, op.spec, op.amount, now);
        save(op.key, state, op.spec.capacity, op.spec.refillPerSecond);
      }
      return Promise.resolve();
    },
    ready: () => Promise.resolve(true),
    close: () => Promise.resolve(),
    size: () => buckets.size,
  };
}
