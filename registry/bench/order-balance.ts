// The bench alternates which side runs first (odd rounds plain first, even rounds registry first). When
// both uploads ran back to back, whichever ran second in a round was consistently slower (by 1.5–2.5 s at
// 2 GiB, right after the other side's 2 GiB upload); with an odd number of rounds one side runs second
// more often, so its median carries any such penalty. This estimator averages the per-round ratios within
// each order first, then the two orders (geometrically), so the penalty cancels whatever the number of rounds.

/** Extra time registry/plain with the order penalty cancelled; `ratios[i]` is round i + 1's (odd: plain first). */
export function orderBalancedRatio(ratios: readonly number[]): number {
  const meanLog = (xs: number[]) => xs.reduce((sum, x) => sum + Math.log(x), 0) / xs.length;
  const plainFirst = ratios.filter((_, i) => i % 2 === 0);
  const registryFirst = ratios.filter((_, i) => i % 2 === 1);
  if (ratios.some((r) => !(r > 0))) throw new Error(`ratios must be positive, got ${ratios.join(', ')}`);
  if (plainFirst.length === 0) throw new Error('no rounds to compare');
  if (registryFirst.length === 0) return Math.exp(meanLog(plainFirst)); // one round: nothing to balance
  return Math.exp((meanLog(plainFirst) + meanLog(registryFirst)) / 2);
}
