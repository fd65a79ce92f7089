/** Seeded randomness for reproducible workloads: a small PRNG and exponential (Poisson-process) gaps. */

/** A function returning uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: fast, seedable, good enough for load shapes (not for cryptography). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The gap to the next arrival of a Poisson process at `ratePerSecond`, in ms. */
export function exponentialGapMs(ratePerSecond: number, random: Random): number {
  return (-Math.log(1 - random()) / ratePerSecond) * 1000;
}
