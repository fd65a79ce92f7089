import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.ts';

function filled(values: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

describe('LatencyHistogram', () => {
  const oneToThousand = Array.from({ length: 1000 }, (_, i) => i + 1);

  it.each([
    [50, 500],
    [90, 900],
    [95, 950],
    [99, 990],
    [100, 1000],
  ])('puts p%i of 1..1000 ms at %i ms within 0.1 %%', (p, expected) => {
    expect(Math.abs(filled(oneToThousand).percentile(p) - expected) / expected).toBeLessThanOrEqual(0.001);
  });

  it('reports count, min, mean and max of known samples', () => {
    const s = filled([10, 20, 30, 40]).summary();
    expect(s.count).toBe(4);
    expect(s.min).toBeCloseTo(10, 1);
    expect(s.mean).toBeCloseTo(25, 1);
    expect(s.max).toBeCloseTo(40, 1);
  });

  it('keeps sub-millisecond resolution', () => {
    expect(filled([0.25, 0.25, 0.25]).percentile(50)).toBeCloseTo(0.25, 3);
  });

  it('takes a skewed distribution: one slow request moves p99 but not p50', () => {
    const s = filled([...Array.from({ length: 99 }, () => 100), 5000]).summary();
    expect(s.p50).toBeCloseTo(100, 0);
    expect(s.p99).toBeCloseTo(100, 0);
    expect(s.max).toBeCloseTo(5000, -1);
  });

  it('grows past its initial ceiling of one hour', () => {
    expect(filled([2 * 3_600_000]).percentile(100)).toBeCloseTo(7_200_000, -4);
  });

  it('ignores negative and non-finite values and reports zeros when empty', () => {
    const h = filled([-1, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(h.summary()).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
  });

  it('starts over after reset', () => {
    const h = filled([5, 6]);
    h.reset();
    h.record(9);
    expect(h.summary().count).toBe(1);
    expect(h.percentile(50)).toBeCloseTo(9, 1);
  });
});
