/** Span, service and attribute names shared by every hop's tracing. */

/** OpenTelemetry service names (`service.name`). */
export const ServiceName = {
  gateway: 'llm-gateway',
  engine: 'vllm',
  operator: 'switchyard-operator',
} as const;

/** Span names. The gateway's server span is named after the route, `POST /v1/chat/completions`. */
export const SpanName = {
  auth: 'gateway.auth',
  rateLimit: 'gateway.rate_limit',
  queueWait: 'gateway.queue_wait',
  routing: 'gateway.route',
  upstream: 'gateway.upstream',
  engineRequest: 'llm_request',
} as const;

/** Span event names. */
export const SpanEvent = {
  firstToken: 'first_token',
  clientAbort: 'client_abort',
} as const;

/** OpenTelemetry GenAI semantic-convention attributes (plus the vLLM-specific latency ones). */
export const GenAiAttr = {
  system: 'gen_ai.system',
  operationName: 'gen_ai.operation.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  requestId: 'gen_ai.request.id',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestN: 'gen_ai.request.n',
  responseId: 'gen_ai.response.id',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  latencyTimeInQueue: 'gen_ai.latency.time_in_queue',
  latencyTimeToFirstToken: 'gen_ai.latency.time_to_first_token',
  latencyE2e: 'gen_ai.latency.e2e',
  latencyTimeInScheduler: 'gen_ai.latency.time_in_scheduler',
  latencyTimeInModelForward: 'gen_ai.latency.time_in_model_forward',
  latencyTimeInModelExecute: 'gen_ai.latency.time_in_model_execute',
} as const;

/** Attributes specific to Switchyard spans. */
export const SwitchyardAttr = {
  tenant: 'switchyard.tenant',
  endpoint: 'switchyard.endpoint',
  endpointScores: 'switchyard.endpoint_scores',
  queueWaitMs: 'switchyard.queue_wait_ms',
  streamed: 'switchyard.stream',
} as const;
