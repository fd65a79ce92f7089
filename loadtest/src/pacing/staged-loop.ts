/**
 * A closed loop whose population follows stages (e.g. 1 user, then 10, 50, 100, then 0): users are added at
 * the spawn rate when a stage asks for more, and leave after their current request when it asks for
 * fewer. Used for ramps — zero to stress and back — such as the autoscaling run.
 */
import { type Clock, realClock } from './clock.ts';

/** One stage: hold `users` for `durationMs`. */
export interface Stage {
  users: number;
  durationMs: number;
}

/** Options of {@link runStagedLoop}. */
export interface StagedLoopOptions {
  stages: readonly Stage[];
  /** Users added per second when a stage asks for more. */
  spawnRatePerSecond: number;
  maxRequests?: number;
  /** How often the controller looks at the stage, ms. Default 100. */
  tickMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/** What the pacer did. */
export interface StagedLoopStats {
  started: number;
  /** `[ms from start, users running]` at each change. */
  population: [number, number][];
}

/** The stage's user count at `elapsedMs` (0 after the last stage). */
export function usersAt(stages: readonly Stage[], elapsedMs: number): number {
  let t = 0;
  for (const s of stages) {
    t += s.durationMs;
    if (elapsedMs < t) return s.users;
  }
  return 0;
}

/** Runs the stages; `send` performs one request and must not throw. */
export async function runStagedLoop(
  options: StagedLoopOptions,
  send: (userIndex: number) => Promise<void>,
): Promise<StagedLoopStats> {
  if (!(options.spawnRatePerSecond > 0))
    throw new Error(`spawnRatePerSecond: must be positive, got ${options.spawnRatePerSecond}`);
  const clock = options.clock ?? realClock;
  const tickMs = options.tickMs ?? 100;
  const maxRequests = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const totalMs = options.stages.reduce((a, s) => a + s.durationMs, 0);
  const start = clock.now();
  const elapsed = () => clock.now() - start;
  const stats: StagedLoopStats = { started: 0, population: [] };
  const running = new Set<number>();
  const finished: Promise<void>[] = [];
  let target = 0;
  const done = () => options.signal?.aborted === true || elapsed() >= totalMs || stats.started >= maxRequests;
  const record = () => {
    if (stats.population.at(-1)?.[1] !== running.size) stats.population.push([elapsed(), running.size]);
  };

  const user = async (index: number) => {
    while (!done() && index < target) {
      stats.started++;
      await send(index);
    }
    running.delete(index);
    record();
  };

  let spawnBudget = 0;
  let last = elapsed();
  while (!done()) {
    const now = elapsed();
    target = usersAt(options.stages, now);
    spawnBudget = Math.min(
      spawnBudget + ((now - last) / 1000) * options.spawnRatePerSecond,
      Math.max(1, options.spawnRatePerSecond),
    );
    last = now;
    for (let i = 0; i < target && spawnBudget >= 1; i++) {
      if (running.has(i)) continue;
      running.add(i);
      spawnBudget -= 1;
      finished.push(user(i));
      record();
    }
    await clock.sleep(tickMs, options.signal);
  }
  target = 0;
  await Promise.all(finished);
  record();
  return stats;
}
