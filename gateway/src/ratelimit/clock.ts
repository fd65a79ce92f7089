/**
 * Time as an injected dependency: rate limits, queue deadlines and ejection timers read this instead of
 * `Date.now()` so their tests advance time by hand rather than sleeping.
 */

/** Opaque timer handle returned by {@link Scheduler.setTimeout}. */
export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/** Reads the current time in milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/** A clock that can also schedule callbacks (queue deadlines, half-open probes). */
export interface Scheduler extends Clock {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock and timers. Timers are unref'd so they never keep a process alive. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** A scheduler whose time moves only when a test calls `advance`. */
export interface ManualClock extends Scheduler {
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void;
  /** Timers not yet fired. */
  pending(): number;
}

/** Creates a {@link ManualClock} starting at `startMs`. */
export function createManualClock(startMs = 1_700_000_000_000): ManualClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return { id };
    },
    clearTimeout(handle) {
      if (typeof handle === 'object' && handle !== null && 'id' in handle) timers.delete(handle.id as number);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        let dueId: number | undefined;
        let dueAt = Number.POSITIVE_INFINITY;
        for (const [id, t] of timers) {
          if (t.at <= target && t.at < dueAt) {
            dueAt = t.at;
            dueId = id;
          }
        }
        if (dueId === undefined) break;
        const timer = timers.get(dueId)!;
        timers.delete(dueId);
        now = Math.max(now, timer.at);
        timer.fn();
      }
      now = target;
    },
    pending: () => timers.size,
  };
}
