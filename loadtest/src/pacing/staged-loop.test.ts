import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { runStagedLoop, usersAt } from './staged-loop.ts';

async function drive<T>(clock: ManualClock, run: Promise<T>, stepMs = 50, maxMs = 600_000): Promise<T> {
  let done = false;
  const result = run.finally(() => {
    done = true;
  });
  for (let t = 0; !done && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return result;
}

describe('usersAt', () => {
  it.each([
    [0, 1],
    [9_999, 1],
    [10_000, 20],
    [29_999, 20],
    [30_000, 0],
  ])('at %i ms asks for %i users', (t, users) => {
    expect(
      usersAt(
        [
          { users: 1, durationMs: 10_000 },
          { users: 20, durationMs: 20_000 },
        ],
        t,
      ),
    ).toBe(users);
  });
});

describe('staged closed loop', () => {
  it('ramps up at the spawn rate and back down when a stage asks for fewer users', async () => {
    const clock = new ManualClock();
    const peak: number[] = [];
    let inFlight = 0;
    const stats = await drive(
      clock,
      runStagedLoop(
        {
          stages: [
            { users: 20, durationMs: 10_000 },
            { users: 5, durationMs: 10_000 },
          ],
          spawnRatePerSecond: 10,
          clock,
        },
        async () => {
          inFlight++;
          peak.push(inFlight);
          await clock.sleep(200);
          inFlight--;
        },
      ),
    );
    const at = (ms: number) => [...stats.population].reverse().find(([t]) => t <= ms)?.[1];
    expect(at(1_000)).toBeGreaterThanOrEqual(9);
    expect(at(1_000)).toBeLessThanOrEqual(12); // 10/s spawn rate
    expect(at(9_000)).toBe(20);
    expect(at(15_000)).toBe(5);
    expect(Math.max(...peak)).toBe(20);
    expect(stats.population.at(-1)).toEqual([expect.any(Number), 0]);
  });

  it('stops at maxRequests', async () => {
    const clock = new ManualClock();
    const stats = await drive(
      clock,
      runStagedLoop(
        { stages: [{ users: 3, durationMs: 60_000 }], spawnRatePerSecond: 100, maxRequests: 25, clock },
        () => clock.sleep(100),
      ),
    );
    expect(stats.started).toBeLessThanOrEqual(25 + 2);
    expect(stats.started).toBeGreaterThanOrEqual(25);
  });
});
