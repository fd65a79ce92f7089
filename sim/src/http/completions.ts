/**
 * sim/http — `POST /v1/completions`: one prompt (text or token ids), answered in vLLM's
 * `text_completion` shape, streamed or not.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompletionResponse } from '@switchyard/api';
import { completionRequestSchema } from '@switchyard/api';
import { encodePrompt } from '../text/tokenizer.ts';
import type { SimContext } from './context.ts';
import { resolveModel } from './context.ts';
import type { GenerationFormat } from './generation.ts';
import { runGeneration } from './generation.ts';
import { parseOrThrow, requestId, samplingOptions } from './request.ts';
import { SimHttpError } from './respond.ts';

/** Token ids of a completion prompt; a list of several prompts is not simulated. */
function promptIds(prompt: string | string[] | number[] | number[][]): number[] {
  if (typeof prompt === 'string') return encodePrompt(prompt);
  if (prompt.length !== 1 && typeof prompt[0] !== 'number') {
    throw new SimHttpError(
      400,
      'The simulator serves one prompt per request; send a batch as separate requests.',
      'prompt',
    );
  }
  const first = prompt[0]!;
  if (typeof first === 'number') return [...(prompt as number[])];
  return typeof first === 'string' ? encodePrompt(first) : [...first];
}

/** Handles one completion request. */
export function handleCompletion(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  raw: unknown,
): void {
  const body = parseOrThrow(completionRequestSchema, raw);
  const model = resolveModel(ctx, body.model);
  const id = `cmpl-${requestId(req)}`;
  const created = Math.floor(Date.now() / 1000);
  const head = `{"id":${JSON.stringify(id)},"object":"text_completion","created":${created},"model":${JSON.stringify(model)},"choices":[`;
  const format: GenerationFormat = {
    opening: null,
    tokenPrefix: `data: ${head}{"index":0,"text":`,
    tokenSuffix: ',"logprobs":null,"finish_reason":null,"stop_reason":null}]}\n\n',
    closing(textJson, reason, stopReason) {
      return `data: ${head}{"index":0,"text":${textJson},"logprobs":null,"finish_reason":"${reason}","stop_reason":${JSON.stringify(stopReason)}}]}\n\n`;
    },
    usageChunk(usage) {
      const chunk: CompletionResponse = { id, object: 'text_completion', created, model, choices: [], usage };
      return `data: ${JSON.stringify(chunk)}\n\n`;
    },
    body(text, reason, stopReason, usage): CompletionResponse {
      return {
        id,
        object: 'text_completion',
        created,
        model,
        choices: [
          {
            index: 0,
            text,
            logprobs: null,
            finish_reason: reason,
            stop_reason: stopReason,
            prompt_logprobs: null,
          },
        ],
        service_tier: null,
        system_fingerprint: null,
        usage,
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
      promptIds: promptIds(body.prompt),
      maxTokens: body.max_tokens ?? 16,
      ...samplingOptions(body),
    },
    format,
  );
}
