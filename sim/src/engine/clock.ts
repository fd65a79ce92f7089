/**
 * sim/engine — clocks. The engine reads time and sets one timer through this interface, so tests
 * drive it with a virtual clock (instant, deterministic) and the server with the real one.
 */

/** Time source and single-timer scheduler, in simulated milliseconds. */
export interface Clock {
  /** Current simulated time in ms. */
  now(): number;
  /** Calls `fn` when simulated time reaches `atMs`; returns a cancel function. */
  setTimer(atMs: number, fn: () => void): () => void;
}

/** Lag the real clock observed between when a timer should have fired and when it did. */
export interface ClockLag {
  /** Timers fired. */
  timers: number;
  /** Largest lag seen, in simulated ms. */
  maxLagMs: number;
  /** Sum of lags, in simulated ms. */
  totalLagMs: number;
  /** Lag of the most recent timer, in simulated ms. */
  lastLagMs: number;
}

/**
 * Real time scaled by `timeScale` (10 runs ten times faster than wall time). Timers are set against
 * absolute deadlines, so setTimeout's millisecond rounding never accumulates into drift.
 */
export class RealClock implements Clock {
  readonly timeScale: number;
  readonly lag: ClockLag = { timers: 0, maxLagMs: 0, totalLagMs: 0, lastLagMs: 0 };
  readonly #originMs: number;

  constructor(timeScale = 1) {
    if (!(timeScale > 0)) throw new Error(`timeScale: must be > 0, got ${timeScale}`);
    this.timeScale = timeScale;
    this.#originMs = performance.now();
  }

  now(): number {
    return (performance.now() - this.#originMs) * this.timeScale;
  }

  setTimer(atMs: number, fn: () => void): () => void {
    const delayWallMs = Math.max(0, (atMs - this.now()) / this.timeScale);
    const handle = setTimeout(() => {
      const lagMs = Math.max(0, this.now() - atMs);
      this.lag.timers++;
      this.lag.totalLagMs += lagMs;
      this.lag.lastLagMs = lagMs;
      if (lagMs > this.lag.maxLagMs) this.lag.maxLagMs = lagMs;
      fn();
    }, delayWallMs);
    return () => clearTimeout(handle);
  }
}

/** A clock that only moves when told: `advance`/`runUntil` fire due timers in order. */
export class VirtualClock implements Clock {
  #nowMs = 0;
  #seq = 0;
  #timers: { atMs: number; seq: number; fn: () => void }[] = [];

  now(): number {
    return this.#nowMs;
  }

  setTimer(atMs: number, fn: () => void): () => void {
    const timer = { atMs: Math.max(atMs, this.#nowMs), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Fires every timer due up to `atMs` (including ones they set), then sets the time to `atMs`. */
  runUntil(atMs: number): void {
    for (;;) {
      const next = this.#nextTimer();
      if (!next || next.atMs > atMs) break;
      this.#fire(next);
    }
    this.#nowMs = Math.max(this.#nowMs, atMs);
  }

  /** Advances by `ms`, firing due timers. */
  advance(ms: number): void {
    this.runUntil(this.#nowMs + ms);
  }

  /** Fires timers until none is left or `predicate` holds; throws past `limitMs` to catch livelock. */
  runWhile(predicate: () => boolean, limitMs = 3_600_000): void {
    while (predicate()) {
      const next = this.#nextTimer();
      if (!next) return;
      if (next.atMs > limitMs) throw new Error(`VirtualClock: still running at ${limitMs} ms`);
      this.#fire(next);
    }
  }

  #nextTimer(): { atMs: number; seq: number; fn: () => void } | undefined {
    let best: { atMs: number; seq: number; fn: () => void } | undefined;
    for (const t of this.#timers) {
      if (!best || t.atMs < best.atMs || (t.atMs === best.atMs && t.seq < best.seq)) best = t;
    }
    return best;
  }

  #fire(timer: { atMs: number; fn: () => void }): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#nowMs = Math.max(this.#nowMs, timer.atMs);
    timer.fn();
  }
}
