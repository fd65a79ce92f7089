/**
 * Reading vLLM histograms from Prometheus text: cumulative bucket counts of one metric summed over
 * series (pods, label sets), differences between two scrapes, and quantiles interpolated inside the
 * bucket the way PromQL's histogram_quantile does.
 */

/** Cumulative counts by upper bound (`le`), ascending; +Inf last. */
export type Buckets = Map<number, number>;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+([^\s]+)/;

/** Sums the `<metric>_bucket` series of `text` by `le`, optionally only series whose labels match. */
export function parseHistogram(text: string, metric: string, labels: Record<string, string> = {}): Buckets {
  const buckets: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}_bucket`)) continue;
    const m = LINE.exec(line);
    if (!m || m[1] !== `${metric}_bucket`) continue;
    const labelText = m[2] ?? '';
    const le = /(?:^|,)le="([^"]+)"/.exec(labelText)?.[1];
    if (le === undefined) continue;
    const matches = Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`));
    if (!matches) continue;
    const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(m[3]));
  }
  return new Map([...buckets].sort(([a], [b]) => a - b));
}

/** Adds bucket counts (scrapes of several pods). */
export function addBuckets(a: Buckets, b: Buckets): Buckets {
  const out = new Map(a);
  for (const [le, count] of b) out.set(le, (out.get(le) ?? 0) + count);
  return new Map([...out].sort(([x], [y]) => x - y));
}

/** `after - before`: the observations made between two scrapes. */
export function diffBuckets(after: Buckets, before: Buckets): Buckets {
  const out: Buckets = new Map();
  for (const [le, count] of after) out.set(le, Math.max(0, count - (before.get(le) ?? 0)));
  return out;
}

/** Total observations. */
export function bucketCount(buckets: Buckets): number {
  return buckets.get(Number.POSITIVE_INFINITY) ?? Math.max(0, ...buckets.values());
}

/** The q-quantile (0..1), linearly interpolated within its bucket; undefined without observations. */
export function histogramQuantile(q: number, buckets: Buckets): number | undefined {
  const total = bucketCount(buckets);
  if (total === 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
