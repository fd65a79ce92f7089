export { GatewayMetric, LATENCY_BUCKETS_SECONDS, MetricLabel, VllmMetric } from './metrics.ts';
export type {
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
  ModelCard,
  OpenAIErrorBody,
  Usage,
} from './openai.ts';
export {
  chatCompletionRequestSchema,
  chatMessageSchema,
  completionRequestSchema,
  describeZodError,
  embeddingRequestSchema,
  openAIError,
} from './openai.ts';
export type {
  ChatCompletionChunk,
  ChatCompletionMessage,
  ChatCompletionResponse,
  CompletionResponse,
  EmbeddingResponse,
  FinishReasonValue,
  ModelList,
  TokenizeResponse,
  VersionResponse,
} from './openai-responses.ts';
export { GenAiAttr, ServiceName, SpanEvent, SpanName, SwitchyardAttr } from './tracing.ts';
