export type {
  Condition,
  ConditionReasonValue,
  ConditionTypeValue,
} from './crd/conditions.ts';
export {
  ConditionReason,
  ConditionType,
  getCondition,
  isConditionTrue,
  setCondition,
} from './crd/conditions.ts';
export type {
  AnalysisCheck,
  AnalysisResult,
  ModelDeployment,
  ModelDeploymentSpec,
  ModelDeploymentSpecInput,
  ModelDeploymentStatus,
  ObjectMeta,
  RevisionStatus,
} from './crd/model-deployment.ts';
export {
  ModelDeploymentApi,
  modelDeploymentSpecSchema,
  parseModelDeploymentSpec,
  ServingAnnotation,
  ServingLabel,
} from './crd/model-deployment.ts';
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
