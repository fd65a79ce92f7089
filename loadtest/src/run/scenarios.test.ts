import { describe, expect, it } from 'vitest';
import { describePattern, resolveScenario, SCENARIOS } from './scenarios.ts';

describe('scenarios', () => {
  it.each([
    ['baseline', 10, 2],
    ['medium', 25, 5],
    ['high', 50, 10],
    ['stress', 100, 20],
  ])('%s spawns %i users at %i/s, as in the original analysis', (name, users, rate) => {
    expect(SCENARIOS[name]?.pattern).toEqual({ type: 'closed', users, spawnRatePerSecond: rate });
    expect(SCENARIOS[name]?.workload).toBe('mix');
  });

  it('takes a duration and sizes per run', () => {
    const s = resolveScenario('baseline', { durationSeconds: 30, users: 4 });
    expect(s.durationMs).toBe(30_000);
    expect(s.pattern).toMatchObject({ users: 4, spawnRatePerSecond: 2 });
    expect(resolveScenario('poisson', { rate: 12 }).pattern).toMatchObject({
      type: 'open',
      ratePerSecond: 12,
    });
  });

  it('stretches a ramp’s stages to a new duration, keeping its shape', () => {
    const s = resolveScenario('ramp', { durationSeconds: 35 });
    expect(s.pattern.type === 'staged' && s.pattern.stages.map((st) => st.durationMs)).toEqual([
      5_000, 5_000, 5_000, 5_000, 10_000, 5_000,
    ]);
  });

  it('rejects an unknown name and a bad value, naming the option', () => {
    expect(() => resolveScenario('nope')).toThrow(/scenario: unknown 'nope'/);
    expect(() => resolveScenario('baseline', { users: -1 })).toThrow(/users: must be a positive number/);
  });

  it('describes its load in one line', () => {
    expect(describePattern(resolveScenario('baseline', { durationSeconds: 30 }))).toBe(
      'closed loop, 10 users spawned at 2/s, 30 s, prompt mix short 50 % / medium 35 % / long 15 %',
    );
  });
});
