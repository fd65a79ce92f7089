/**
 * sim/http — `POST /v1/chat/completions`: validate with the shared schema, apply the chat template,
 * and answer in vLLM's chat shapes (streamed `chat.completion.chunk`s or one `chat.completion`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionChunk, ChatCompletionResponse } from '@switchyard/api';
import { chatCompletionRequestSchema } from '@switchyard/api';
import { encodeChat } from '../text/tokenizer.ts';
import type { SimContext } from './context.ts';
import { resolveModel } from './context.ts';
import type { GenerationFormat } from './generation.ts';
import { runGeneration } from './generation.ts';
import { messageText, parseOrThrow, requestId, samplingOptions } from './request.ts';

/** Handles one chat completion request. */
export function handleChatCompletion(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  raw: unknown,
): void {
  const body = parseOrThrow(chatCompletionRequestSchema, raw);
  const model = resolveModel(ctx, body.model);
  const id = `chatcmpl-${requestId(req)}`;
  const created = Math.floor(Date.now() / 1000);
  const promptIds = encodeChat(body.messages.map((m) => ({ role: m.role, content: messageText(m.content) })));
  const head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"choices":[`;
  const format: GenerationFormat = {
    opening: `data: ${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`,
    tokenPrefix: `data: ${head}{"index":0,"delta":{"content":`,
    tokenSuffix: '},"logprobs":null,"finish_reason":null}]}\n\n',
    closing(textJson, reason, stopReason) {
      return `data: ${head}{"index":0,"delta":{"content":${textJson}},"logprobs":null,"finish_reason":"${reason}","stop_reason":${JSON.stringify(stopReason)}}]}\n\n`;
    },
    usageChunk(usage) {
      const chunk: ChatCompletionChunk = {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage,
      };
      return `data: ${JSON.stringify(chunk)}\n\n`;
    },
    body(text, reason, stopReason, usage): ChatCompletionResponse {
      return {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: text,
              refusal: null,
              annotations: null,
              audio: null,
              function_call: null,
              tool_calls: [],
              reasoning_content: null,
            },
            logprobs: null,
            finish_reason: reason === 'abort' ? 'abort' : reason,
            stop_reason: stopReason,
          },
        ],
        service_tier: null,
        system_fingerprint: null,
        usage,
        prompt_logprobs: null,
        kv_transfer_params: null,
      };
    },
  };
  runGeneration(
    ctx,
    req,
    res,
    {
      id,
      model,
      promptIds,
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? null,
      ...samplingOptions(body),
    },
    format,
  );
}
