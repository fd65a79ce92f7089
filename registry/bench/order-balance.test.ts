import { describe, expect, it } from 'vitest';
import { orderBalancedRatio } from './order-balance.ts';

describe('orderBalancedRatio', () => {
  it('cancels a penalty on whichever side runs second, with an odd number of rounds', () => {
    // True extra time 5 %; the side running second pays 30 % (rounds 1, 3, 5: the registry; 2, 4: plain).
    const ratios = [1, 2, 3, 4, 5].map((round) => (round % 2 === 1 ? 1.05 * 1.3 : 1.05 / 1.3));
    expect(orderBalancedRatio(ratios)).toBeCloseTo(1.05, 10);
    // The plain median of ratios would say +36.5 % here.
    expect([...ratios].sort()[2]).toBeCloseTo(1.365, 3);
  });

  it('weights the two orders equally, not the rounds', () => {
    expect(orderBalancedRatio([1.2, 1.0, 1.2])).toBeCloseTo(Math.sqrt(1.2), 10);
  });

  it('returns the single ratio of one round and rejects nonsense', () => {
    expect(orderBalancedRatio([1.1])).toBeCloseTo(1.1, 10);
    expect(() => orderBalancedRatio([])).toThrow(/no rounds/);
    expect(() => orderBalancedRatio([1.1, 0])).toThrow(/positive/);
  });
});
