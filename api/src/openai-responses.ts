/**
 * api — OpenAI response bodies as vLLM's OpenAI-compatible server sends them (field for field,
 * including vLLM's extensions such as `stop_reason`), shared by the simulator that produces them and
 * the gateway and tests that read them.
 */
import type { Usage } from './openai.ts';

/** Why a choice ended: vLLM reports `stop` (EOS or stop string), `length` (max_tokens), `abort`. */
export type FinishReasonValue = 'stop' | 'length' | 'abort' | 'tool_calls' | null;

/** An assistant message in a non-streamed chat completion. */
export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  annotations: null;
  audio: null;
  function_call: null;
  tool_calls: unknown[];
  reasoning_content: string | null;
}

/** `POST /v1/chat/completions` response (non-streamed). */
export interface ChatCompletionResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: ChatCompletionMessage;
    logprobs: null;
    finish_reason: FinishReasonValue;
    /** vLLM extension: the stop string or token id that ended the choice, else null. */
    stop_reason: string | number | null;
  }[];
  service_tier: null;
  system_fingerprint: null;
  usage: Usage;
  prompt_logprobs: null;
  kv_transfer_params: null;
}

/** One `data:` event of a streamed chat completion. `usage` only on the final usage chunk. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string };
    logprobs: null;
    finish_reason: FinishReasonValue;
    stop_reason?: string | number | null;
  }[];
  usage?: Usage;
}

/** `POST /v1/completions` response; streamed chunks share the shape (one choice, partial `text`). */
export interface CompletionResponse {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: {
    index: number;
    text: string;
    logprobs: null;
    finish_reason: FinishReasonValue;
    stop_reason: string | number | null;
    prompt_logprobs?: null;
  }[];
  service_tier?: null;
  system_fingerprint?: null;
  usage?: Usage;
  kv_transfer_params?: null;
}

/** `POST /v1/embeddings` response. */
export interface EmbeddingResponse {
  id: string;
  object: 'list';
  created: number;
  model: string;
  data: { index: number; object: 'embedding'; embedding: number[] | string }[];
  usage: Usage;
}

/** `GET /v1/models` response. */
export interface ModelList {
  object: 'list';
  data: {
    id: string;
    object: 'model';
    created: number;
    owned_by: string;
    root: string;
    parent: string | null;
    max_model_len: number;
    permission: Record<string, unknown>[];
  }[];
}

/** `POST /tokenize` response (vLLM). */
export interface TokenizeResponse {
  count: number;
  max_model_len: number;
  tokens: number[];
  token_strs: string[] | null;
}

/** `GET /version` response (vLLM). */
export interface VersionResponse {
  version: string;
}
