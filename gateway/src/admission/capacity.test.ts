import { describe, expect, it } from 'vitest';
import { endpoint, NOW_MS } from '../routing/test-endpoints.ts';
import { isSaturated, modelCapacity } from './capacity.ts';

const policy = { maxConcurrency: 4, maxWaiting: 2, staleAfterMs: 1000 };

describe('isSaturated', () => {
  it.each([
    { name: 'an idle endpoint is open', e: endpoint('a', 0), want: false },
    { name: 'at the concurrency cap', e: endpoint('a', 4), want: true },
    { name: 'engine queue above the threshold', e: endpoint('a', 1, { waiting: 3 }), want: true },
    { name: 'engine queue at the threshold', e: endpoint('a', 1, { waiting: 2 }), want: false },
    {
      name: 'a stale engine sample is ignored',
      e: endpoint('a', 1, { waiting: 30, ageMs: 5000 }),
      want: false,
    },
  ])('$name → $want', ({ e, want }) => {
    expect(isSaturated(e, policy, NOW_MS)).toBe(want);
  });
});

describe('modelCapacity', () => {
  it.each([
    { name: 'no endpoints', eps: [], want: 0 },
    { name: 'not-ready endpoints count for nothing', eps: [endpoint('a', 0, undefined, false)], want: 0 },
    { name: 'each open endpoint offers its cap', eps: [endpoint('a', 1), endpoint('b', 0)], want: 8 },
    {
      name: 'a saturated endpoint keeps what it holds',
      eps: [endpoint('a', 2, { waiting: 5 }), endpoint('b', 0)],
      want: 6,
    },
  ])('$name → $want', ({ eps, want }) => {
    expect(modelCapacity(eps, policy, NOW_MS)).toBe(want);
  });
});
