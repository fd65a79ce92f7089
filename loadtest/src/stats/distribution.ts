/** Counts of latencies in log-spaced bins, bounded in memory, for the latency-distribution chart. */

/** One bin: [fromMs, toMs) and how many values fell in it. */
export interface DistributionBin {
  fromMs: number;
  toMs: number;
  count: number;
}

const BINS_PER_DECADE = 10;
const LOWEST_MS = 0.1;
const DECADES = 6; // 0.1 ms .. 100 s

/** A log-binned latency distribution. */
export class LatencyDistribution {
  readonly #counts = new Array<number>(BINS_PER_DECADE * DECADES + 1).fill(0);

  /** Records one value, ms (values past 100 s land in the last bin). */
  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const i = Math.floor(Math.log10(Math.max(ms, LOWEST_MS) / LOWEST_MS) * BINS_PER_DECADE);
    const index = Math.min(this.#counts.length - 1, i);
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
  }

  /** Bins from the first to the last non-empty one. */
  bins(): DistributionBin[] {
    const first = this.#counts.findIndex((c) => c > 0);
    if (first < 0) return [];
    const last = this.#counts.findLastIndex((c) => c > 0);
    const edge = (i: number) => LOWEST_MS * 10 ** (i / BINS_PER_DECADE);
    const out: DistributionBin[] = [];
    for (let i = first; i <= last; i++)
      out.push({ fromMs: edge(i), toMs: edge(i + 1), count: this.#counts[i]! });
    return out;
  }
}
