import { describe, expect, it } from 'vitest';
import { leastOutstandingPicker } from './least-outstanding.ts';
import type { EndpointState } from './types.ts';

const ep = (id: string, outstanding: number, ready = true): EndpointState => ({
  id,
  url: `http://${id}`,
  model: 'm',
  ready,
  outstanding,
});

describe('leastOutstandingPicker', () => {
  it.each([
    { name: 'picks the least loaded', endpoints: [ep('a', 3), ep('b', 1), ep('c', 2)], want: 'b' },
    { name: 'skips endpoints that are not ready', endpoints: [ep('a', 0, false), ep('b', 5)], want: 'b' },
    { name: 'returns nothing when none is ready', endpoints: [ep('a', 0, false)], want: undefined },
  ])('$name', ({ endpoints, want }) => {
    expect(leastOutstandingPicker().pick({ model: 'm' }, endpoints)?.endpoint.id).toBe(want);
  });

  it('skips excluded endpoints (retries go elsewhere)', () => {
    const pick = leastOutstandingPicker().pick({ model: 'm' }, [ep('a', 0), ep('b', 4)], new Set(['a']));
    expect(pick?.endpoint.id).toBe('b');
  });

  it('rotates among equally loaded endpoints', () => {
    const picker = leastOutstandingPicker();
    const endpoints = [ep('a', 0), ep('b', 0)];
    const ids = [1, 2, 3, 4].map(() => picker.pick({ model: 'm' }, endpoints)?.endpoint.id);
    expect(ids).toEqual(['a', 'b', 'a', 'b']);
  });
});
