import { describe, expect, it } from 'vitest';
import { median, percentileOf } from './percentile.ts';

describe('percentileOf (nearest rank)', () => {
  it.each([
    [[15, 20, 35, 40, 50], 5, 15],
    [[15, 20, 35, 40, 50], 30, 20],
    [[15, 20, 35, 40, 50], 40, 20],
    [[15, 20, 35, 40, 50], 50, 35],
    [[15, 20, 35, 40, 50], 100, 50],
    [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 25, 7],
    [[3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 75, 15],
    [[], 95, 0],
  ])('of %j at p%i is %i', (values, p, expected) => {
    expect(percentileOf(values, p)).toBe(expected);
  });

  it('does not depend on input order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
});
