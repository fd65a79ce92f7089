/**
 * The named scenarios of the original analysis (closed loop: baseline, medium, high, stress) plus an
 * open-loop Poisson run and the shared-prefix workload. Durations and sizes can be overridden per run.
 */

import type { Stage } from '../pacing/staged-loop.ts';

/** How requests are offered. */
export type LoadPattern =
  | { type: 'closed'; users: number; spawnRatePerSecond: number; thinkTimeMs?: number }
  | { type: 'open'; ratePerSecond: number; maxInFlight?: number }
  | { type: 'staged'; stages: Stage[]; spawnRatePerSecond: number };

/** Which requests are sent. */
export type WorkloadName = 'mix' | 'shared-prefix';

/** A load scenario. */
export interface Scenario {
  name: string;
  description: string;
  pattern: LoadPattern;
  workload: WorkloadName;
  durationMs: number;
}

const closed = (users: number, spawnRatePerSecond: number): LoadPattern => ({
  type: 'closed',
  users,
  spawnRatePerSecond,
});

/** Built-in scenarios, by name. */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  baseline: {
    name: 'baseline',
    description: '10 users spawned at 2/s',
    pattern: closed(10, 2),
    workload: 'mix',
    durationMs: 60_000,
  },
  medium: {
    name: 'medium',
    description: '25 users spawned at 5/s',
    pattern: closed(25, 5),
    workload: 'mix',
    durationMs: 60_000,
  },
  high: {
    name: 'high',
    description: '50 users spawned at 10/s',
    pattern: closed(50, 10),
    workload: 'mix',
    durationMs: 60_000,
  },
  stress: {
    name: 'stress',
    description: '100 users spawned at 20/s',
    pattern: closed(100, 20),
    workload: 'mix',
    durationMs: 60_000,
  },
  poisson: {
    name: 'poisson',
    description: 'open loop, Poisson arrivals at 5/s',
    pattern: { type: 'open', ratePerSecond: 5 },
    workload: 'mix',
    durationMs: 60_000,
  },
  ramp: {
    name: 'ramp',
    description: 'closed loop from 1 user to 100 (stress) and back to 0',
    pattern: {
      type: 'staged',
      spawnRatePerSecond: 20,
      stages: [
        { users: 1, durationMs: 10_000 },
        { users: 10, durationMs: 10_000 },
        { users: 25, durationMs: 10_000 },
        { users: 50, durationMs: 10_000 },
        { users: 100, durationMs: 20_000 },
        { users: 10, durationMs: 10_000 },
      ],
    },
    workload: 'mix',
    durationMs: 70_000,
  },
  'shared-prefix': {
    name: 'shared-prefix',
    description: '32 tenants with ~2,000-token system prompts, Poisson arrivals at 5/s',
    pattern: { type: 'open', ratePerSecond: 5 },
    workload: 'shared-prefix',
    durationMs: 60_000,
  },
};

/** Per-run overrides of a scenario. */
export interface ScenarioOverrides {
  durationSeconds?: number;
  users?: number;
  spawnRate?: number;
  rate?: number;
  workload?: WorkloadName;
}

/** The named scenario with `overrides` applied; throws naming the option on a bad value. */
export function resolveScenario(name: string, overrides: ScenarioOverrides = {}): Scenario {
  const base = SCENARIOS[name];
  if (!base) throw new Error(`scenario: unknown '${name}' (one of ${Object.keys(SCENARIOS).join(', ')})`);
  const positive = (option: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw new Error(`${option}: must be a positive number, got ${v}`);
    return v;
  };
  const duration = positive('duration', overrides.durationSeconds);
  let pattern = base.pattern;
  if (pattern.type === 'closed') {
    pattern = {
      ...pattern,
      users: positive('users', overrides.users) ?? pattern.users,
      spawnRatePerSecond: positive('spawn-rate', overrides.spawnRate) ?? pattern.spawnRatePerSecond,
    };
  } else if (pattern.type === 'open') {
    pattern = { ...pattern, ratePerSecond: positive('rate', overrides.rate) ?? pattern.ratePerSecond };
  } else if (duration !== undefined) {
    // A ramp keeps its shape: every stage is stretched or shrunk by the same factor.
    const factor = (duration * 1000) / base.durationMs;
    pattern = {
      ...pattern,
      stages: pattern.stages.map((s) => ({ ...s, durationMs: s.durationMs * factor })),
    };
  }
  return {
    ...base,
    pattern,
    workload: overrides.workload ?? base.workload,
    durationMs: duration !== undefined ? duration * 1000 : base.durationMs,
  };
}

/** One line describing the load a scenario offers. */
export function describePattern(s: Scenario): string {
  const p = s.pattern;
  const load =
    p.type === 'closed'
      ? `closed loop, ${p.users} users spawned at ${p.spawnRatePerSecond}/s`
      : p.type === 'open'
        ? `open loop, Poisson arrivals at ${p.ratePerSecond}/s`
        : `closed loop in stages of ${p.stages.map((st) => `${st.users} users for ${st.durationMs / 1000} s`).join(', ')}`;
  const work =
    s.workload === 'mix'
      ? 'prompt mix short 50 % / medium 35 % / long 15 %'
      : 'shared prefixes (many tenants, long system prompts)';
  return `${load}, ${s.durationMs / 1000} s, ${work}`;
}
