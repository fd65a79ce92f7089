/**
 * loadtest: the load generator (OpenAI SDK, streaming), scenarios, reports and charts, the Jaeger trace
 * analysis, and the `llmctl loadtest` / `llmctl analyze` command factories.
 */

export type { OperationStats, PhaseRow, TraceAnalysis } from './analyze/analyze-traces.ts';
export { analyzeTraces, timeBudget } from './analyze/analyze-traces.ts';
export type { BottleneckClass, Classification, TimeBudget } from './analyze/classify.ts';
export { classifyBottleneck } from './analyze/classify.ts';
export type { FetchTracesOptions, JaegerSpan, JaegerTrace } from './analyze/jaeger.ts';
export { fetchTraces, JaegerQueryError } from './analyze/jaeger.ts';
export type { Phase, RequestPhases } from './analyze/phases.ts';
export { PHASES, requestPhases } from './analyze/phases.ts';
export { renderTraceAnalysis } from './analyze/render.ts';
export { latencyDistributionSvg } from './charts/latency-chart.ts';
export { svgToPng } from './charts/png.ts';
export type { Series } from './charts/timeseries-chart.ts';
export { timeSeriesSvg } from './charts/timeseries-chart.ts';
export { analyzeCommand } from './cli/analyze-command.ts';
export type { CommandContext, CommandIo } from './cli/io.ts';
export { UsageError } from './cli/io.ts';
export { loadtestCommand } from './cli/loadtest-command.ts';
export type { ClientOptions, RequestResult } from './client/stream-request.ts';
export { createClient, sendStreamingRequest } from './client/stream-request.ts';
export type { Clock } from './pacing/clock.ts';
export { ManualClock, realClock } from './pacing/clock.ts';
export type { ClosedLoopOptions, ClosedLoopStats } from './pacing/closed-loop.ts';
export { runClosedLoop } from './pacing/closed-loop.ts';
export type { OpenLoopOptions, OpenLoopStats } from './pacing/open-loop.ts';
export { runOpenLoop } from './pacing/open-loop.ts';
export { seededRandom } from './pacing/random.ts';
export type { Check, CheckInputs, Targets } from './report/checks.ts';
export { allPassed, DEFAULT_TARGETS, evaluateChecks } from './report/checks.ts';
export type { LoadReport } from './report/load-report.ts';
export { buildLoadReport } from './report/load-report.ts';
export { renderMarkdown, resultsTable } from './report/markdown.ts';
export type { WrittenReport } from './report/write-report.ts';
export { timelineSeries, writeLoadReport } from './report/write-report.ts';
export type { SystemSample, TimelinePoint } from './run/collector.ts';
export { RunCollector } from './run/collector.ts';
export { formatProgress, progressPrinter } from './run/progress.ts';
export type { LoadRun, Progress, RunLoadOptions } from './run/run-load.ts';
export { runLoad } from './run/run-load.ts';
export type { Sampler } from './run/sampler.ts';
export { prometheusSampler, sumMetric } from './run/sampler.ts';
export type { LoadPattern, Scenario, ScenarioOverrides, WorkloadName } from './run/scenarios.ts';
export { describePattern, resolveScenario, SCENARIOS } from './run/scenarios.ts';
export type { PercentileSummary } from './stats/latency-histogram.ts';
export { LatencyHistogram } from './stats/latency-histogram.ts';
export { median, percentileOf } from './stats/percentile.ts';
export type { SharedPrefixOptions, WorkItem } from './workload/workload.ts';
export { DEFAULT_PROMPT_MIX, promptMixWorkload, sharedPrefixWorkload } from './workload/workload.ts';
