/**
 * Gathers request results as they finish: HDR histograms for the whole run, log-binned distributions for
 * the chart, counts by status and prompt class, and a timeline in fixed intervals (TTFT p95 of the
 * interval, completions, errors, tokens, plus queue depth and replicas when a sampler supplies them).
 */
import type { RequestResult } from '../client/stream-request.ts';
import { LatencyDistribution } from '../stats/distribution.ts';
import { LatencyHistogram } from '../stats/latency-histogram.ts';
import { percentileOf } from '../stats/percentile.ts';

/** One interval of the run (`tMs`: its start, from the run's start). */
export interface TimelinePoint {
  tMs: number;
  completed: number;
  errors: number;
  completionTokens: number;
  ttftP50Ms?: number;
  ttftP95Ms?: number;
  /** Requests in flight seen by the load generator at the interval's last sample. */
  inFlight?: number;
  queueDepth?: number;
  replicas?: number;
}

/** Values a sampler reads from the system under test. */
export interface SystemSample {
  queueDepth?: number;
  replicas?: number;
}

interface Bucket {
  ttfts: number[];
  completed: number;
  errors: number;
  completionTokens: number;
  inFlight?: number;
  queueDepth?: number;
  replicas?: number;
}

/** Accumulates one run's results. */
export class RunCollector {
  readonly intervalMs: number;
  readonly ttft = new LatencyHistogram();
  readonly tpot = new LatencyHistogram();
  readonly e2e = new LatencyHistogram();
  readonly ttftDistribution = new LatencyDistribution();
  readonly tpotDistribution = new LatencyDistribution();
  readonly byStatus = new Map<string, number>();
  readonly byKind = new Map<string, { count: number; ttft: LatencyHistogram; e2e: LatencyHistogram }>();
  readonly errorReasons = new Map<string, number>();
  completed = 0;
  ok = 0;
  errors = 0;
  cancelled = 0;
  promptTokens = 0;
  completionTokens = 0;
  lastEndMs = 0;
  /** The earliest-started request that ended (the one a scale-from-zero run holds). */
  first: RequestResult | undefined;
  readonly #buckets = new Map<number, Bucket>();

  constructor(intervalMs = 1000) {
    this.intervalMs = intervalMs;
  }

  #bucket(tMs: number): Bucket {
    const i = Math.max(0, Math.floor(tMs / this.intervalMs));
    let b = this.#buckets.get(i);
    if (!b) {
      b = { ttfts: [], completed: 0, errors: 0, completionTokens: 0 };
      this.#buckets.set(i, b);
    }
    return b;
  }

  /** Adds one finished request; `endMs` is when it ended, from the run's start. */
  add(r: RequestResult, endMs: number): void {
    if (r.cancelled) {
      this.cancelled++;
      return;
    }
    this.completed++;
    if (!this.first || r.startMs < this.first.startMs) this.first = r;
    this.lastEndMs = Math.max(this.lastEndMs, endMs);
    const status = r.status === 0 ? 'network' : String(r.status);
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    const bucket = this.#bucket(endMs);
    bucket.completed++;
    if (!r.ok) {
      this.errors++;
      bucket.errors++;
      const reason = `${status}${r.error ? ` ${r.error}` : ''}`;
      this.errorReasons.set(reason, (this.errorReasons.get(reason) ?? 0) + 1);
      return;
    }
    this.ok++;
    this.promptTokens += r.promptTokens;
    this.completionTokens += r.completionTokens;
    bucket.completionTokens += r.completionTokens;
    this.e2e.record(r.e2eMs);
    let kind = this.byKind.get(r.kind);
    if (!kind) {
      kind = { count: 0, ttft: new LatencyHistogram(), e2e: new LatencyHistogram() };
      this.byKind.set(r.kind, kind);
    }
    kind.count++;
    kind.e2e.record(r.e2eMs);
    if (r.ttftMs !== undefined) {
      this.ttft.record(r.ttftMs);
      this.ttftDistribution.record(r.ttftMs);
      kind.ttft.record(r.ttftMs);
      this.#bucket(r.startMs + r.ttftMs).ttfts.push(r.ttftMs);
    }
    if (r.tpotMs !== undefined) {
      this.tpot.record(r.tpotMs);
      this.tpotDistribution.record(r.tpotMs);
    }
  }

  /** Records what the system and the generator looked like at `tMs`. */
  sample(tMs: number, sample: SystemSample & { inFlight?: number }): void {
    const b = this.#bucket(tMs);
    if (sample.inFlight !== undefined) b.inFlight = sample.inFlight;
    if (sample.queueDepth !== undefined) b.queueDepth = sample.queueDepth;
    if (sample.replicas !== undefined) b.replicas = sample.replicas;
  }

  /** TTFT p50/p95 over the intervals of the last `windowMs` before `nowMs` (the live figures). */
  recentTtft(nowMs: number, windowMs = 10_000): { p50: number; p95: number; count: number } {
    const values: number[] = [];
    const from = Math.floor((nowMs - windowMs) / this.intervalMs);
    for (const [i, b] of this.#buckets) if (i >= from) values.push(...b.ttfts);
    return { p50: percentileOf(values, 50), p95: percentileOf(values, 95), count: values.length };
  }

  /** The timeline, every interval from the start to the last one seen (empty intervals included). */
  timeline(): TimelinePoint[] {
    const last = Math.max(-1, ...this.#buckets.keys());
    const out: TimelinePoint[] = [];
    for (let i = 0; i <= last; i++) {
      const b = this.#buckets.get(i);
      const point: TimelinePoint = {
        tMs: i * this.intervalMs,
        completed: b?.completed ?? 0,
        errors: b?.errors ?? 0,
        completionTokens: b?.completionTokens ?? 0,
      };
      if (b && b.ttfts.length > 0) {
        point.ttftP50Ms = percentileOf(b.ttfts, 50);
        point.ttftP95Ms = percentileOf(b.ttfts, 95);
      }
      if (b?.inFlight !== undefined) point.inFlight = b.inFlight;
      if (b?.queueDepth !== undefined) point.queueDepth = b.queueDepth;
      if (b?.replicas !== undefined) point.replicas = b.replicas;
      out.push(point);
    }
    return out;
  }
}
