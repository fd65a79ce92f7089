/**
 * The JSON report of a run: scenario, request counts, TTFT/TPOT/e2e percentiles, throughput, the checks
 * against targets, the timeline and the latency distributions. Everything the Markdown and the charts
 * show comes from here.
 */
import type { TimelinePoint } from '../run/collector.ts';
import type { LoadRun } from '../run/run-load.ts';
import { describePattern, type Scenario } from '../run/scenarios.ts';
import type { DistributionBin } from '../stats/distribution.ts';
import type { PercentileSummary } from '../stats/latency-histogram.ts';
import { allPassed, type Check, DEFAULT_TARGETS, evaluateChecks, type Targets } from './checks.ts';

/** The report (all times in ms). */
export interface LoadReport {
  scenario: Scenario & { summary: string };
  target: { baseURL: string; model: string };
  startedAt: string;
  endedAt: string;
  elapsedMs: number;
  interrupted: boolean;
  requests: {
    started: number;
    completed: number;
    ok: number;
    errors: number;
    /** Ended by the run itself (Ctrl-C, end-of-run grace); not in any figure. */
    cancelled: number;
    /** Open-loop arrivals dropped by the generator's in-flight cap. */
    skipped: number;
    errorRatePercent: number;
    byStatus: Record<string, number>;
    errorReasons: Record<string, number>;
    byKind: Record<string, { count: number; ttftP50Ms: number; ttftP95Ms: number; e2eP50Ms: number }>;
  };
  ttftMs: PercentileSummary;
  tpotMs: PercentileSummary;
  e2eMs: PercentileSummary;
  tokens: { prompt: number; completion: number };
  throughput: { tokensPerSecond: number; requestsPerSecond: number };
  checks: Check[];
  passed: boolean;
  timeline: TimelinePoint[];
  distribution: { ttftMs: DistributionBin[]; tpotMs: DistributionBin[] };
}

/** Builds the report of `run`. */
export function buildLoadReport(
  run: LoadRun,
  baseURL: string,
  targets: Targets = DEFAULT_TARGETS,
): LoadReport {
  const c = run.collector;
  // Throughput over the time requests were being served: the start to the last completion.
  const seconds = Math.max(c.lastEndMs, 1) / 1000;
  const errorRatePercent = c.completed > 0 ? (c.errors / c.completed) * 100 : 0;
  const ttftMs = c.ttft.summary();
  const tpotMs = c.tpot.summary();
  const throughput = { tokensPerSecond: c.completionTokens / seconds, requestsPerSecond: c.ok / seconds };
  const pattern = run.scenario.pattern;
  const checks = evaluateChecks(
    {
      ttft: ttftMs,
      tpot: tpotMs,
      ...throughput,
      errorRatePercent,
      offeredRequestsPerSecond: pattern.type === 'open' ? pattern.ratePerSecond : undefined,
    },
    targets,
  );
  const byKind: LoadReport['requests']['byKind'] = {};
  for (const [kind, k] of [...c.byKind].sort(([a], [b]) => a.localeCompare(b))) {
    byKind[kind] = {
      count: k.count,
      ttftP50Ms: k.ttft.percentile(50),
      ttftP95Ms: k.ttft.percentile(95),
      e2eP50Ms: k.e2e.percentile(50),
    };
  }
  return {
    scenario: { ...run.scenario, summary: describePattern(run.scenario) },
    target: { baseURL, model: run.model },
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt.toISOString(),
    elapsedMs: run.elapsedMs,
    interrupted: run.interrupted,
    requests: {
      started: run.started,
      completed: c.completed,
      ok: c.ok,
      errors: c.errors,
      cancelled: c.cancelled,
      skipped: run.skipped,
      errorRatePercent,
      byStatus: Object.fromEntries(c.byStatus),
      errorReasons: Object.fromEntries(c.errorReasons),
      byKind,
    },
    ttftMs,
    tpotMs,
    e2eMs: c.e2e.summary(),
    tokens: { prompt: c.promptTokens, completion: c.completionTokens },
    throughput,
    checks,
    passed: allPassed(checks),
    timeline: c.timeline(),
    distribution: { ttftMs: c.ttftDistribution.bins(), tpotMs: c.tpotDistribution.bins() },
  };
}
