/**
 * The report's metric rows and their verdicts: value, target and ✅/❌, in the order of the original
 * analysis template. A row without a target gets no verdict; a target that does not apply to the run
 * (a request-rate goal for a closed loop that cannot offer it) is left out rather than failed.
 */

/** Targets the run is judged against; every default is here once. */
export interface Targets {
  /** TTFT P95 must stay under this, ms. Default 500. */
  ttftP95Ms: number;
  /** TPOT P95 must stay under this, ms. Default 100. */
  tpotP95Ms: number;
  /** Error rate must stay under this, percent. Default 0.1. */
  errorRatePercent: number;
  /** Requests per second must exceed this where the load offers it. Default 100. */
  minRequestsPerSecond: number;
}

/** Targets of the original analysis. */
export const DEFAULT_TARGETS: Targets = {
  ttftP95Ms: 500,
  tpotP95Ms: 100,
  errorRatePercent: 0.1,
  minRequestsPerSecond: 100,
};

/** One row of the results table. */
export interface Check {
  metric: string;
  value: number;
  unit: 'ms' | 'tok/s' | 'req/s' | '%';
  /** `<` or `>` a threshold; absent when the row is informational. */
  target?: { op: '<' | '>'; value: number };
  /** true ✅, false ❌, undefined: no target. */
  pass?: boolean;
}

/** The figures the checks read. */
export interface CheckInputs {
  ttft: { p50: number; p95: number; p99: number };
  tpot: { mean: number; p95: number };
  tokensPerSecond: number;
  requestsPerSecond: number;
  errorRatePercent: number;
  /** Offered request rate (open loop); undefined for a closed loop, whose rate follows latency. */
  offeredRequestsPerSecond?: number;
}

function row(metric: string, value: number, unit: Check['unit'], target?: Check['target']): Check {
  if (!target) return { metric, value, unit };
  const pass = target.op === '<' ? value < target.value : value > target.value;
  return { metric, value, unit, target, pass };
}

/** The results rows with verdicts. The request-rate target applies when the offered rate reaches it. */
export function evaluateChecks(inputs: CheckInputs, targets: Targets = DEFAULT_TARGETS): Check[] {
  const rateRelevant =
    inputs.offeredRequestsPerSecond !== undefined &&
    inputs.offeredRequestsPerSecond >= targets.minRequestsPerSecond;
  return [
    row('TTFT P50', inputs.ttft.p50, 'ms'),
    row('TTFT P95', inputs.ttft.p95, 'ms', { op: '<', value: targets.ttftP95Ms }),
    row('TTFT P99', inputs.ttft.p99, 'ms'),
    row('TPOT average', inputs.tpot.mean, 'ms'),
    row('TPOT P95', inputs.tpot.p95, 'ms', { op: '<', value: targets.tpotP95Ms }),
    row('Throughput (output tokens)', inputs.tokensPerSecond, 'tok/s'),
    row(
      'Throughput (requests)',
      inputs.requestsPerSecond,
      'req/s',
      rateRelevant ? { op: '>', value: targets.minRequestsPerSecond } : undefined,
    ),
    row('Error rate', inputs.errorRatePercent, '%', { op: '<', value: targets.errorRatePercent }),
  ];
}

/** True when no row with a target failed. */
export function allPassed(checks: readonly Check[]): boolean {
  return checks.every((c) => c.pass !== false);
}
