/**
 * sim/http — the small endpoints: `/v1/models`, `/tokenize`, `/health`, `/version`, `/metrics`.
 */
import type { ServerResponse } from 'node:http';
import type { ModelList, TokenizeResponse } from '@switchyard/api';
import { chatMessageSchema } from '@switchyard/api';
import { z } from 'zod';
import { encodeChat, encodePrompt, tokenPieces } from '../text/tokenizer.ts';
import type { SimContext } from './context.ts';
import { resolveModel } from './context.ts';
import { messageText, parseOrThrow } from './request.ts';
import { SimHttpError, sendJson } from './respond.ts';

/** The vLLM release whose API the simulator follows. */
export const SIMULATED_VLLM_VERSION = '0.11.0';

/** `GET /v1/models`. */
export function handleModels(ctx: SimContext, res: ServerResponse): void {
  const body: ModelList = {
    object: 'list',
    data: ctx.servedModelNames.map((id) => ({
      id,
      object: 'model',
      created: ctx.startedAtSec,
      owned_by: 'vllm',
      root: ctx.modelPath,
      parent: null,
      max_model_len: ctx.config.maxModelLen,
      permission: [
        {
          id: `modelperm-${id}`,
          object: 'model_permission',
          created: ctx.startedAtSec,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    })),
  };
  sendJson(res, 200, body);
}

const promptTokenizeSchema = z.looseObject({
  model: z.string().nullish(),
  prompt: z.string(),
  add_special_tokens: z.boolean().nullish(),
  return_token_strs: z.boolean().nullish(),
});
const chatTokenizeSchema = z.looseObject({
  model: z.string().nullish(),
  messages: z.array(chatMessageSchema).min(1),
  add_generation_prompt: z.boolean().nullish(),
  return_token_strs: z.boolean().nullish(),
});
const tokenizeSchema = z.union([promptTokenizeSchema, chatTokenizeSchema]);

/** `POST /tokenize`: the ids the simulator counts with, as vLLM's endpoint returns them. */
export function handleTokenize(ctx: SimContext, res: ServerResponse, raw: unknown): void {
  const body = parseOrThrow(tokenizeSchema, raw);
  resolveModel(ctx, body.model ?? undefined);
  let tokens: number[];
  let strs: string[] | null = null;
  if (typeof body.prompt === 'string') {
    const special = body.add_special_tokens !== false;
    tokens = encodePrompt(body.prompt, special);
    if (body.return_token_strs) strs = [...(special ? ['<s>'] : []), ...tokenPieces(body.prompt)];
  } else {
    const chat = body as z.infer<typeof chatTokenizeSchema>;
    const messages = chat.messages.map((m) => ({ role: m.role, content: messageText(m.content) }));
    tokens = encodeChat(messages, chat.add_generation_prompt !== false);
  }
  const out: TokenizeResponse = {
    count: tokens.length,
    max_model_len: ctx.config.maxModelLen,
    tokens,
    token_strs: strs,
  };
  sendJson(res, 200, out);
}

/** `GET /health`: 200 with an empty body once loaded, 503 while the model loads. */
export function handleHealth(ctx: SimContext, res: ServerResponse): void {
  if (ctx.faults.isLoading(ctx.clock.now())) {
    throw new SimHttpError(503, 'The model is still loading.');
  }
  res.writeHead(200, { 'content-length': 0 });
  res.end();
}

/** `GET /version`. */
export function handleVersion(res: ServerResponse): void {
  sendJson(res, 200, { version: SIMULATED_VLLM_VERSION });
}

/** `GET /metrics`: Prometheus text. */
export async function handleMetrics(ctx: SimContext, res: ServerResponse): Promise<void> {
  const { contentType, body } = await ctx.metrics.render();
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
