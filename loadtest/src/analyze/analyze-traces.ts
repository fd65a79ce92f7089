/**
 * The trace analysis: slowest operations, the per-phase breakdown of a typical request (median and p95 of
 * each phase, and its share of all request time), the slowest requests, and the bottleneck class.
 */
import { percentileOf } from '../stats/percentile.ts';
import {
  type BottleneckClass,
  type Classification,
  classifyBottleneck,
  type TimeBudget,
} from './classify.ts';
import type { JaegerTrace } from './jaeger.ts';
import { PHASE_LABELS, PHASES, type Phase, type RequestPhases, requestPhases } from './phases.ts';

/** Duration statistics of one operation, ms. */
export interface OperationStats {
  service: string;
  operation: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** One row of the breakdown. */
export interface PhaseRow {
  phase: Phase;
  label: string;
  p50Ms: number;
  p95Ms: number;
  /** Share of all request time, percent. */
  sharePercent: number;
}

/** The analysis of a set of traces. */
export interface TraceAnalysis {
  traces: number;
  requests: number;
  totalMs: { p50: number; p95: number; p99: number };
  slowestOperations: OperationStats[];
  breakdown: PhaseRow[];
  engine?: { queueP50Ms: number; prefillP50Ms: number; transportP50Ms: number };
  slowestRequests: { traceId: string; totalMs: number; dominantPhase: string }[];
  classification?: Classification & { label: BottleneckClass };
}

function operationStats(traces: readonly JaegerTrace[]): OperationStats[] {
  const groups = new Map<string, { service: string; operation: string; durations: number[] }>();
  for (const t of traces) {
    for (const s of t.spans) {
      const service = t.processes[s.processID]?.serviceName ?? 'unknown';
      const key = `${service}\u0000${s.operationName}`;
      const g = groups.get(key) ?? { service, operation: s.operationName, durations: [] };
      g.durations.push(s.duration / 1000);
      groups.set(key, g);
    }
  }
  return [...groups.values()]
    .map((g) => ({
      service: g.service,
      operation: g.operation,
      count: g.durations.length,
      p50Ms: percentileOf(g.durations, 50),
      p95Ms: percentileOf(g.durations, 95),
      maxMs: Math.max(...g.durations),
    }))
    .sort((a, b) => b.p95Ms - a.p95Ms);
}

/** Sums a request set's time into the classifier's budget. */
export function timeBudget(requests: readonly RequestPhases[]): TimeBudget {
  const sum = (f: (r: RequestPhases) => number) => requests.reduce((a, r) => a + f(r), 0);
  const tpots = requests
    .filter((r) => r.outputTokens !== undefined && r.outputTokens > 1 && r.phases.decode > 0)
    .map((r) => r.phases.decode / ((r.outputTokens ?? 2) - 1));
  const budget: TimeBudget = {
    requests: requests.length,
    totalMs: sum((r) => r.totalMs),
    gatewayQueueMs: sum((r) => r.phases.queueWait),
    engineQueueMs: sum((r) => r.engine?.queueMs ?? 0),
    // Without an engine span the whole upstream TTFT counts as prefill: the guide's first suspect.
    prefillMs: sum((r) => (r.engine ? r.engine.prefillMs : r.phases.upstreamTtft)),
    decodeMs: sum((r) => r.phases.decode),
    transportMs: sum((r) => r.transportMs ?? 0),
    gatewaySoftwareMs: sum(
      (r) => r.phases.auth + r.phases.rateLimit + r.phases.routing + r.phases.gatewayOverhead,
    ),
  };
  if (tpots.length > 0) {
    budget.tpotP50Ms = percentileOf(tpots, 50);
    budget.tpotP10Ms = percentileOf(tpots, 10);
  }
  return budget;
}

/** Analyzes `traces` (those without a gateway server span count only in the operation table). */
export function analyzeTraces(traces: readonly JaegerTrace[]): TraceAnalysis {
  const requests = traces.map(requestPhases).filter((r): r is RequestPhases => r !== undefined);
  const totals = requests.map((r) => r.totalMs);
  const grand = totals.reduce((a, b) => a + b, 0);
  const breakdown = PHASES.map((phase) => {
    const values = requests.map((r) => r.phases[phase]);
    return {
      phase,
      label: PHASE_LABELS[phase],
      p50Ms: percentileOf(values, 50),
      p95Ms: percentileOf(values, 95),
      sharePercent: grand > 0 ? (values.reduce((a, b) => a + b, 0) / grand) * 100 : 0,
    };
  });
  const analysis: TraceAnalysis = {
    traces: traces.length,
    requests: requests.length,
    totalMs: { p50: percentileOf(totals, 50), p95: percentileOf(totals, 95), p99: percentileOf(totals, 99) },
    slowestOperations: operationStats(traces),
    breakdown,
    slowestRequests: [...requests]
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 5)
      .map((r) => ({
        traceId: r.traceId,
        totalMs: r.totalMs,
        dominantPhase: PHASE_LABELS[PHASES.reduce((m, p) => (r.phases[p] > r.phases[m] ? p : m), PHASES[0])],
      })),
  };
  const withEngine = requests.filter((r) => r.engine);
  if (withEngine.length > 0) {
    analysis.engine = {
      queueP50Ms: percentileOf(
        withEngine.map((r) => r.engine!.queueMs),
        50,
      ),
      prefillP50Ms: percentileOf(
        withEngine.map((r) => r.engine!.prefillMs),
        50,
      ),
      transportP50Ms: percentileOf(
        withEngine.map((r) => r.transportMs ?? 0),
        50,
      ),
    };
  }
  if (requests.length > 0) {
    const c = classifyBottleneck(timeBudget(requests));
    analysis.classification = { ...c, label: c.primary };
  }
  return analysis;
}
