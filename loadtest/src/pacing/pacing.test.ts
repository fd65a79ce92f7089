import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { runClosedLoop } from './closed-loop.ts';
import { runOpenLoop } from './open-loop.ts';
import { seededRandom } from './random.ts';

/** Drives `run` on a manual clock in steps until it resolves (bounded). */
async function drive<T>(clock: ManualClock, run: Promise<T>, stepMs = 10, maxMs = 600_000): Promise<T> {
  let done = false;
  const result = run.finally(() => {
    done = true;
  });
  for (let t = 0; !done && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return result;
}

describe('closed-loop pacing', () => {
  it('spawns 10 users at 2/s: one every 500 ms, the last at 4.5 s', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runClosedLoop({ users: 10, spawnRatePerSecond: 2, durationMs: 10_000, clock }, () => clock.sleep(100)),
    );
    expect(stats.spawnTimesMs).toEqual(Array.from({ length: 10 }, (_, i) => i * 500));
  });

  it('keeps each user busy back to back: requests = sum of each user’s active time / latency', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runClosedLoop({ users: 4, spawnRatePerSecond: 4, durationMs: 2_000, clock }, () => clock.sleep(100)),
    );
    // Users start at 0, 250, 500, 750 ms and each sends every 100 ms until 2 s: 20 + 18 (rounded up) + 15 + 13.
    expect(stats.started).toBe(20 + 18 + 15 + 13);
  });

  it('stops at maxRequests even with time left', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runClosedLoop({ users: 5, spawnRatePerSecond: 100, durationMs: 60_000, maxRequests: 37, clock }, () =>
        clock.sleep(50),
      ),
    );
    expect(stats.started).toBe(37);
  });

  it('stops spawning and sending when aborted', async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    const run = runClosedLoop(
      { users: 100, spawnRatePerSecond: 10, durationMs: 60_000, clock, signal: abort.signal },
      () => clock.sleep(100),
    );
    await clock.advance(1_000);
    abort.abort();
    const stats = await drive(clock, run);
    expect(stats.spawnTimesMs.length).toBeLessThanOrEqual(11);
    expect(clock.now()).toBeLessThan(2_000);
  });
});

describe('open-loop (Poisson) pacing', () => {
  it('arrives at 50/s on average over 60 s, within 3 standard deviations', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runOpenLoop({ ratePerSecond: 50, durationMs: 60_000, clock, random: seededRandom(7) }, () =>
        clock.sleep(20),
      ),
      50,
    );
    const expected = 3000;
    expect(Math.abs(stats.started - expected)).toBeLessThan(3 * Math.sqrt(expected));
  });

  it('has exponential gaps: mean ≈ standard deviation ≈ 1 / rate', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runOpenLoop({ ratePerSecond: 20, durationMs: 100_000, clock, random: seededRandom(3) }, async () => {}),
      25,
    );
    const t = stats.arrivalTimesMs;
    const gaps = t.slice(1).map((v, i) => v - (t[i] ?? 0));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeGreaterThan(45);
    expect(mean).toBeLessThan(55);
    expect(sd / mean).toBeGreaterThan(0.85);
    expect(sd / mean).toBeLessThan(1.15);
  });

  it('does not slow down when the server does: arrivals are independent of latency', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runOpenLoop({ ratePerSecond: 10, durationMs: 10_000, clock, random: seededRandom(5) }, () =>
        clock.sleep(5_000),
      ),
      50,
    );
    expect(stats.started).toBeGreaterThan(70);
    expect(stats.started).toBeLessThan(130);
  });

  it('skips arrivals beyond maxInFlight instead of queueing them', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runOpenLoop(
        { ratePerSecond: 100, durationMs: 5_000, maxInFlight: 5, clock, random: seededRandom(9) },
        () => clock.sleep(10_000),
      ),
      50,
    );
    expect(stats.started).toBe(5);
    expect(stats.skipped).toBeGreaterThan(400);
  });
});
