/**
 * Metric names: the one place dashboards, alerts, tests and code agree on.
 *
 * Gateway names keep those of the original latency analysis so its PromQL still works;
 * engine names are vLLM's own, so anything that reads real vLLM reads the simulator too.
 */

/** Metrics exported by the gateway (`llm-gateway`). */
export const GatewayMetric = {
  ttftSeconds: 'llm_ttft_seconds',
  tpotSeconds: 'llm_tpot_seconds',
  inferenceDurationSeconds: 'llm_inference_duration_seconds',
  requestsTotal: 'llm_requests_total',
  errorsTotal: 'llm_errors_total',
  tokensProcessedTotal: 'llm_tokens_processed_total',
  activeRequests: 'llm_active_requests',
  queueDepth: 'llm_queue_depth',
  queueWaitSeconds: 'llm_queue_wait_seconds',
  rateLimitedTotal: 'llm_rate_limited_total',
  rateLimitStoreFailuresTotal: 'llm_rate_limit_store_failures_total',
  upstreamRequestsTotal: 'llm_upstream_requests_total',
  upstreamErrorsTotal: 'llm_upstream_errors_total',
  upstreamDurationSeconds: 'llm_upstream_duration_seconds',
  clientAbortsTotal: 'llm_client_aborts_total',
} as const;

/** Metrics exported by vLLM (and by the simulator under the same names and labels). */
export const VllmMetric = {
  numRequestsRunning: 'vllm:num_requests_running',
  numRequestsWaiting: 'vllm:num_requests_waiting',
  numPreemptionsTotal: 'vllm:num_preemptions_total',
  kvCacheUsagePerc: 'vllm:kv_cache_usage_perc',
  timeToFirstTokenSeconds: 'vllm:time_to_first_token_seconds',
  interTokenLatencySeconds: 'vllm:inter_token_latency_seconds',
  timePerOutputTokenSeconds: 'vllm:time_per_output_token_seconds',
  e2eRequestLatencySeconds: 'vllm:e2e_request_latency_seconds',
  requestQueueTimeSeconds: 'vllm:request_queue_time_seconds',
  requestPrefillTimeSeconds: 'vllm:request_prefill_time_seconds',
  requestDecodeTimeSeconds: 'vllm:request_decode_time_seconds',
  promptTokensTotal: 'vllm:prompt_tokens_total',
  generationTokensTotal: 'vllm:generation_tokens_total',
  requestSuccessTotal: 'vllm:request_success_total',
  prefixCacheQueriesTotal: 'vllm:prefix_cache_queries_total',
  prefixCacheHitsTotal: 'vllm:prefix_cache_hits_total',
} as const;

/** Label names used on the metrics above. */
export const MetricLabel = {
  model: 'model',
  tenant: 'tenant',
  status: 'status',
  kind: 'kind',
  endpoint: 'endpoint',
  reason: 'reason',
  vllmModelName: 'model_name',
  vllmEngine: 'engine',
} as const;

/**
 * Histogram buckets (seconds) that resolve 1 ms to 60 s: roughly three per decade,
 * dense where TTFT and TPOT targets sit (10-500 ms).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
  0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60,
];
