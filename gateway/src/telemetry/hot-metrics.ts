/**
 * Counters, gauges and histograms for the request path, rendered by prom-client's Registry.
 *
 * prom-client's `inc(labels)` / `observe(labels, v)` validate and hash a fresh label object on every call,
 * and with six label shapes across the gateway's metrics those paths go megamorphic: taking the per-request
 * metric updates out measured 11–13 µs of the gateway's ~95 µs of CPU per proxied request (paired runs,
 * docs/adr/0002). Here a series is found once per distinct label values, by a string key built from
 * positional values, and then updated as plain numbers. The metric objects keep prom-client's metric
 * contract (`name`, `help`, `type`, `aggregator`, `get()`, `reset()`), so the Registry renders them, the
 * cluster AggregatorRegistry merges them, and the exposition is the same text prom-client's own classes
 * produce (a test compares them).
 */
import type { Registry } from 'prom-client';

const SEP = '\u0000';

/** What every hot metric is configured with. */
export interface HotMetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

type Labels = Record<string, string | number>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

abstract class HotMetric<S> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  protected readonly all = new Map<string, { labels: Labels; state: S }>();

  constructor(config: HotMetricConfig<string>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    // The Registry takes any object honouring prom-client's metric contract; its type names only its own classes.
    for (const registry of config.registers) registry.registerMetric(this as never);
  }

  protected abstract create(): S;
  protected abstract zero(state: S): void;
  protected abstract samples(labels: Labels, state: S): Sample[];

  /**
   * The series of these label values, in `labelNames` order (created on first use). Positional values and a
   * concatenated key: no label object per call.
   */
  series(a: string, b?: string, c?: string): S {
    const key = b === undefined ? a : c === undefined ? a + SEP + b : a + SEP + b + SEP + c;
    const found = this.all.get(key);
    if (found) return found.state;
    const values = c !== undefined ? [a, b, c] : b !== undefined ? [a, b] : [a];
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name} takes ${this.labelNames.length} label values, got ${values.length}`);
    }
    const labels: Labels = {};
    this.labelNames.forEach((name, i) => {
      labels[name] = values[i]!;
    });
    const state = this.create();
    this.all.set(key, { labels, state });
    return state;
  }

  /** prom-client's metric contract: what the Registry renders. */
  async get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: string }> {
    const values: Sample[] = [];
    for (const { labels, state } of this.all.values()) values.push(...this.samples(labels, state));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Zeroes every series (handles held by callers stay valid). */
  reset(): void {
    for (const { state } of this.all.values()) this.zero(state);
  }
}

/** One counter or gauge series (only a gauge's handle offers `dec`). */
export class ValueSeries {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
}

/** A counter's series: it only goes up. */
export type CounterSeries = Omit<ValueSeries, 'dec'>;

abstract class HotValueMetric<S> extends HotMetric<S & ValueSeries> {
  protected create(): S & ValueSeries {
    return new ValueSeries() as S & ValueSeries;
  }
  protected zero(state: ValueSeries): void {
    state.value = 0;
  }
  protected samples(labels: Labels, state: ValueSeries): Sample[] {
    return [{ labels: { ...labels }, value: state.value }];
  }
}

/** A monotonic counter. */
export class HotCounter<L extends string> extends HotValueMetric<CounterSeries> {
  readonly type = 'counter';
  constructor(config: HotMetricConfig<L>) {
    super(config);
  }
}

/** A gauge. */
export class HotGauge<L extends string> extends HotValueMetric<ValueSeries> {
  readonly type = 'gauge';
  constructor(config: HotMetricConfig<L>) {
    super(config);
  }
}

/** One histogram series: per-bucket counts (not cumulative), sum and count. */
export class HistogramSeries {
  readonly #bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }
  observe(value: number): void {
    const bounds = this.#bounds;
    // The first bound >= value (binary search); past the last bound only +Inf counts it.
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bounds[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo < bounds.length) this.counts[lo]!++;
    this.sum += value;
    this.count++;
  }
}

/** A histogram with fixed bucket bounds (upper bounds, ascending). */
export class HotHistogram<L extends string> extends HotMetric<HistogramSeries> {
  readonly type = 'histogram';
  readonly #bounds: readonly number[];
  constructor(config: HotMetricConfig<L> & { buckets: readonly number[] }) {
    super(config);
    this.#bounds = [...config.buckets].sort((x, y) => x - y);
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.#bounds);
  }
  protected zero(state: HistogramSeries): void {
    state.counts.fill(0);
    state.sum = 0;
    state.count = 0;
  }
  protected samples(labels: Labels, state: HistogramSeries): Sample[] {
    const bucket = `${this.name}_bucket`;
    const out: Sample[] = [];
    let cumulative = 0;
    this.#bounds.forEach((le, i) => {
      cumulative += state.counts[i]!;
      out.push({ labels: { le, ...labels }, value: cumulative, metricName: bucket });
    });
    out.push({ labels: { le: '+Inf', ...labels }, value: state.count, metricName: bucket });
    out.push({ labels: { ...labels }, value: state.sum, metricName: `${this.name}_sum` });
    out.push({ labels: { ...labels }, value: state.count, metricName: `${this.name}_count` });
    return out;
  }
}
