/**
 * Open-loop load: requests arrive as a Poisson process at a set rate whatever the server does, the way
 * independent users arrive. Each arrival is scheduled against the start time, so a late timer never
 * lowers the rate; arrivals over `maxInFlight` are counted as skipped, not queued in the client.
 */
import { type Clock, realClock } from './clock.ts';
import { exponentialGapMs, type Random, seededRandom } from './random.ts';

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  /** Mean arrivals per second. */
  ratePerSecond: number;
  /** No arrival after this long (ms from the start). */
  durationMs: number;
  /** Hard bound on arrivals. Default: twice the expected count plus 100. */
  maxRequests?: number;
  /** Arrivals beyond this many in flight are skipped. Default 10,000. */
  maxInFlight?: number;
  clock?: Clock;
  /** Uniform [0,1) source; default seeded with 1 so runs are reproducible. */
  random?: Random;
  signal?: AbortSignal;
}

/** What the pacer did (times in ms from the start). */
export interface OpenLoopStats {
  started: number;
  skipped: number;
  arrivalTimesMs: number[];
}

/** Runs the open loop; `send` performs one request and must not throw. Resolves when all sent requests ended. */
export async function runOpenLoop(
  options: OpenLoopOptions,
  send: (index: number) => Promise<void>,
): Promise<OpenLoopStats> {
  if (!(options.ratePerSecond > 0))
    throw new Error(`ratePerSecond: must be positive, got ${options.ratePerSecond}`);
  const clock = options.clock ?? realClock;
  const random = options.random ?? seededRandom(1);
  const maxRequests =
    options.maxRequests ?? Math.ceil((options.ratePerSecond * options.durationMs) / 1000) * 2 + 100;
  const maxInFlight = options.maxInFlight ?? 10_000;
  const start = clock.now();
  const stats: OpenLoopStats = { started: 0, skipped: 0, arrivalTimesMs: [] };
  const inFlight = new Set<Promise<void>>();
  let due = exponentialGapMs(options.ratePerSecond, random);
  let arrivals = 0;
  while (due < options.durationMs && arrivals < maxRequests && !options.signal?.aborted) {
    await clock.sleep(due - (clock.now() - start), options.signal);
    if (options.signal?.aborted) break;
    arrivals++;
    stats.arrivalTimesMs.push(clock.now() - start);
    if (inFlight.size >= maxInFlight) {
      stats.skipped++;
    } else {
      const index = stats.started++;
      const p = send(index).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    due += exponentialGapMs(options.ratePerSecond, random);
  }
  await Promise.all(inFlight);
  return stats;
}
