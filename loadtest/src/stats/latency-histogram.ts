/**
 * Latency percentiles on an HDR histogram: values are recorded in microseconds (3 significant digits, so
 * any reported percentile is within 0.1 % of the true sample) and reported in milliseconds.
 */
import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of one latency, in milliseconds (zeros when nothing was recorded). */
export interface PercentileSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

const US_PER_MS = 1000;
/** One hour in microseconds: a ceiling the histogram grows to on demand. */
const INITIAL_HIGHEST_US = 3_600_000_000;

/** An HDR histogram of latencies given in milliseconds. */
export class LatencyHistogram {
  readonly #histogram: Histogram;

  constructor() {
    this.#histogram = build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: INITIAL_HIGHEST_US,
      numberOfSignificantValueDigits: 3,
      autoResize: true,
    });
  }

  /** Records one latency in milliseconds; negative or non-finite values are ignored. */
  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.#histogram.recordValue(Math.max(1, Math.round(ms * US_PER_MS)));
  }

  /** How many values were recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** The value at percentile `p` (0-100), ms; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    return this.#histogram.getValueAtPercentile(p) / US_PER_MS;
  }

  /** Count, min, mean, p50/p90/p95/p99 and max, ms. */
  summary(): PercentileSummary {
    const h = this.#histogram;
    if (h.totalCount === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    return {
      count: h.totalCount,
      min: h.minNonZeroValue / US_PER_MS,
      mean: h.mean / US_PER_MS,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: h.maxValue / US_PER_MS,
    };
  }

  /** Forgets every value (a rolling window starts over). */
  reset(): void {
    this.#histogram.reset();
  }
}
