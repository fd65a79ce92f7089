/** Exact percentiles of small samples (rolling windows, trace sets), nearest-rank. */

/** The nearest-rank `p`th percentile (0-100) of `values`; 0 for an empty sample. */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentileOf(values, 50);
}
