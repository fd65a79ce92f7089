import { describe, expect, it } from 'vitest';
import { createModelPickers, createProfilePicker, loadRoutingConfig } from './config.ts';
import { roundRobinPicker } from './pickers/round-robin.ts';
import { endpoint, NOW_MS } from './test-endpoints.ts';

const now = () => NOW_MS;

describe('weighted profile picker', () => {
  const picker = createProfilePicker(
    {
      name: 'p',
      picker: 'weighted',
      filters: [{ type: 'under-capacity', maxConcurrency: 4 }],
      scorers: [
        { type: 'outstanding', weight: 1 },
        { type: 'queue-depth', weight: 2, staleAfterMs: 3000 },
      ],
    },
    now,
  );

  it.each([
    {
      name: 'engine queue outweighs gateway load when weighted higher',
      eps: [endpoint('a', 0, { waiting: 6 }), endpoint('b', 2, { waiting: 0 })],
      want: 'b',
    },
    {
      name: 'filters drop full endpoints before scoring',
      eps: [endpoint('a', 4, { waiting: 0 }), endpoint('b', 3, { waiting: 9 })],
      want: 'b',
    },
    {
      name: 'skips endpoints that are not ready',
      eps: [endpoint('a', 0, {}, false), endpoint('b', 3)],
      want: 'b',
    },
    { name: 'returns nothing when nothing is ready', eps: [endpoint('a', 0, {}, false)], want: undefined },
  ])('$name', ({ eps, want }) => {
    expect(picker.pick({ model: 'm' }, eps)?.endpoint.id).toBe(want);
  });

  it('reports the total and each scorer for the routing span', () => {
    const pick = picker.pick({ model: 'm' }, [
      endpoint('a', 0, { waiting: 6 }),
      endpoint('b', 2, { waiting: 0 }),
    ]);
    expect(pick?.scores).toEqual({ total: 0.667, outstanding: 0, 'queue-depth': 1 });
  });

  it('never picks an excluded endpoint (retries go elsewhere)', () => {
    expect(picker.pick({ model: 'm' }, [endpoint('a'), endpoint('b', 3)], new Set(['a']))?.endpoint.id).toBe(
      'b',
    );
  });

  it('rotates among equal totals', () => {
    const fresh = createProfilePicker({ name: 'p', picker: 'weighted', filters: [], scorers: [] }, now);
    const eps = [endpoint('a'), endpoint('b')];
    expect([1, 2, 3].map(() => fresh.pick({ model: 'm' }, eps)?.endpoint.id)).toEqual(['a', 'b', 'a']);
  });

  it('rotates only among the endpoints that tie for the best total', () => {
    const fresh = createProfilePicker(
      { name: 'p', picker: 'weighted', filters: [], scorers: [{ type: 'outstanding', weight: 1 }] },
      now,
    );
    const eps = [endpoint('a', 0), endpoint('b', 5), endpoint('c', 0)];
    expect([1, 2, 3].map(() => fresh.pick({ model: 'm' }, eps)?.endpoint.id)).toEqual(['a', 'c', 'a']);
  });
});

describe('round-robin picker', () => {
  it('takes ready endpoints in turn regardless of load', () => {
    const p = roundRobinPicker();
    const eps = [endpoint('a', 9), endpoint('b', 0), endpoint('c', 0, {}, false)];
    expect([1, 2, 3].map(() => p.pick({ model: 'm' }, eps)?.endpoint.id)).toEqual(['a', 'b', 'a']);
  });
});

describe('createModelPickers', () => {
  it('uses the model’s profile, else the default', () => {
    const config = loadRoutingConfig({
      profiles: [
        { name: 'smart', scorers: [{ type: 'outstanding' }] },
        { name: 'rr', picker: 'round-robin' },
      ],
      defaultProfile: 'smart',
      models: { legacy: 'rr' },
    });
    const pickerFor = createModelPickers(config, now);
    expect(pickerFor('legacy').name).toBe('round-robin');
    expect(pickerFor('other').name).toBe('smart');
  });
});
