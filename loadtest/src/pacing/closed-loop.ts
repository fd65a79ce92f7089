/**
 * Closed-loop load: a fixed population of users, spawned at a steady rate, each sending its next request
 * as soon as the previous one ends (plus an optional think time), until the run's time or request budget
 * is spent or the run is aborted. The load a closed loop offers adapts to the server: slower answers,
 * fewer requests.
 */
import { type Clock, realClock } from './clock.ts';

/** Options of {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  /** Users at full ramp. */
  users: number;
  /** Users started per second during the ramp. */
  spawnRatePerSecond: number;
  /** No request starts after this long (ms from the start). */
  durationMs: number;
  /** No request starts once this many have started (a hard bound). Default: unbounded by count. */
  maxRequests?: number;
  /** Pause between a user's requests, ms. Default 0. */
  thinkTimeMs?: number;
  clock?: Clock;
  /** Aborting stops spawning and stops users before their next request. */
  signal?: AbortSignal;
}

/** What the pacer did (times in ms from the start). */
export interface ClosedLoopStats {
  started: number;
  spawnTimesMs: number[];
}

/** Runs the closed loop; `send` performs one request and must not throw. Resolves when every user has stopped. */
export async function runClosedLoop(
  options: ClosedLoopOptions,
  send: (userIndex: number) => Promise<void>,
): Promise<ClosedLoopStats> {
  if (!(options.users > 0)) throw new Error(`users: must be positive, got ${options.users}`);
  if (!(options.spawnRatePerSecond > 0))
    throw new Error(`spawnRatePerSecond: must be positive, got ${options.spawnRatePerSecond}`);
  const clock = options.clock ?? realClock;
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const start = clock.now();
  const elapsed = () => clock.now() - start;
  const stats: ClosedLoopStats = { started: 0, spawnTimesMs: [] };
  const stopped = () =>
    options.signal?.aborted === true || elapsed() >= options.durationMs || stats.started >= maxRequests;

  const user = async (index: number) => {
    while (!stopped()) {
      stats.started++;
      await send(index);
      if (options.thinkTimeMs) await clock.sleep(options.thinkTimeMs, options.signal);
    }
  };

  const running: Promise<void>[] = [];
  for (let i = 0; i < options.users; i++) {
    const due = (i / options.spawnRatePerSecond) * 1000;
    await clock.sleep(due - elapsed(), options.signal);
    if (stopped()) break;
    stats.spawnTimesMs.push(elapsed());
    running.push(user(i));
  }
  await Promise.all(running);
  return stats;
}
