/**
 * OpenAI API request schemas (zod) and response types, as the gateway and the simulator accept them.
 *
 * Request objects are loose: unknown fields (vLLM extensions such as `top_k` or `guided_json`)
 * pass through validation untouched, so the gateway forwards them as the client sent them.
 */
import { z } from 'zod';

const stop = z.union([z.string(), z.array(z.string()).max(4)]).nullish();
const streamOptions = z.looseObject({ include_usage: z.boolean().nullish() }).nullish();

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
/** One chat message; content may be a string or an array of typed parts. */
export const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart)]).nullish(),
  name: z.string().optional(),
});

const sampling = {
  model: z.string().min(1),
  stream: z.boolean().nullish(),
  stream_options: streamOptions,
  max_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  stop,
  seed: z.number().int().nullish(),
  user: z.string().nullish(),
};

/** `POST /v1/chat/completions` body. */
export const chatCompletionRequestSchema = z.looseObject({
  ...sampling,
  messages: z.array(chatMessageSchema).min(1),
  max_completion_tokens: z.number().int().positive().nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** `POST /v1/completions` body. */
export const completionRequestSchema = z.looseObject({
  ...sampling,
  prompt: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  echo: z.boolean().nullish(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

/** `POST /v1/embeddings` body. */
export const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().nullish(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

/** Token usage as OpenAI reports it. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

/** The OpenAI error body: `{"error": {...}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | number | null };
}

/** Builds an OpenAI error body. */
export function openAIError(
  message: string,
  type: string,
  param: string | null = null,
  code: string | number | null = null,
): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** Turns the first zod issue into OpenAI's `param` (a dotted field path) and a message. */
export function describeZodError(error: z.ZodError): { param: string | null; message: string } {
  const issue = error.issues[0];
  if (!issue) return { param: null, message: 'Invalid request body' };
  const param = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replaceAll('.[', '[')
    : null;
  return { param, message: param ? `${param}: ${issue.message}` : issue.message };
}

/** The model list entry returned by `GET /v1/models`. */
export interface ModelCard {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  root?: string;
  parent?: string | null;
  max_model_len?: number;
}
