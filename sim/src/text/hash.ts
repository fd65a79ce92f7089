/**
 * sim/text — small, fast, deterministic hashing (FNV-1a and a 32-bit mixer) used by the tokenizer,
 * the prefix-cache block hashes and the seeded output generator.
 */

/** FNV-1a over a string's UTF-16 code units. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a 32-bit value into a 32-bit hash (murmur3 finaliser over a combined input). */
export function mix32(h: number, value: number): number {
  let x = (h ^ Math.imul(value | 0, 0x9e3779b1)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Hashes of each full `blockSize` block of `tokens`, each chained over all tokens before it (two
 * 32-bit lanes, so accidental collisions between distinct prefixes are negligible).
 */
export function hashPromptBlocks(tokens: readonly number[], blockSize: number): string[] {
  const out: string[] = [];
  let a = 0x243f6a88;
  let b = 0x85a308d3;
  const full = Math.floor(tokens.length / blockSize) * blockSize;
  for (let i = 0; i < full; i++) {
    const t = tokens[i]!;
    a = mix32(a, t);
    b = mix32(b ^ 0x5bd1e995, t + i);
    if ((i + 1) % blockSize === 0) out.push(`${a.toString(36)}.${b.toString(36)}`);
  }
  return out;
}

/** A seeded PRNG (mulberry32): `next()` returns a uint32. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Next uint32. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
}
