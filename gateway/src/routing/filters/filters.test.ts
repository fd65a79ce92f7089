import { describe, expect, it } from 'vitest';
import { endpoint, NOW_MS } from '../test-endpoints.ts';
import { lowQueueFilter } from './low-queue.ts';
import { underCapacityFilter } from './under-capacity.ts';

const ctx = { nowMs: NOW_MS };
const ids = (eps: { id: string }[]) => eps.map((e) => e.id);

describe('under-capacity filter', () => {
  const filter = underCapacityFilter({ type: 'under-capacity', maxConcurrency: 4 });
  it.each([
    { name: 'drops endpoints at the cap', out: [4, 3, 5], want: ['e1'] },
    { name: 'keeps all when every endpoint is full', out: [4, 4], want: ['e0', 'e1'] },
  ])('$name', ({ out, want }) => {
    expect(
      ids(
        filter.filter(
          { model: 'm' },
          out.map((o, i) => endpoint(`e${i}`, o)),
          ctx,
        ),
      ),
    ).toEqual(want);
  });
});

describe('low-queue filter', () => {
  const filter = lowQueueFilter({ type: 'low-queue', maxWaiting: 2, staleAfterMs: 1000 });
  it.each([
    {
      name: 'drops endpoints with long engine queues',
      eps: [endpoint('a', 0, { waiting: 3 }), endpoint('b', 0, { waiting: 2 })],
      want: ['b'],
    },
    {
      name: 'keeps endpoints without a fresh sample',
      eps: [endpoint('a', 0, { waiting: 9, ageMs: 2000 }), endpoint('b')],
      want: ['a', 'b'],
    },
    {
      name: 'keeps all when none qualifies',
      eps: [endpoint('a', 0, { waiting: 5 }), endpoint('b', 0, { waiting: 6 })],
      want: ['a', 'b'],
    },
  ])('$name', ({ eps, want }) => {
    expect(ids(filter.filter({ model: 'm' }, eps, ctx))).toEqual(want);
  });
});
