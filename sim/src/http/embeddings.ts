/**
 * sim/http — `POST /v1/embeddings`: a deterministic unit vector per input (same text, same vector),
 * answered after the simulated cost of prefilling the input.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmbeddingResponse } from '@switchyard/api';
import { embeddingRequestSchema } from '@switchyard/api';
import { decodeStepMs } from '../engine/cost-model.ts';
import { greedySeed } from '../text/generator.ts';
import { Prng } from '../text/hash.ts';
import { encodePrompt } from '../text/tokenizer.ts';
import type { SimContext } from './context.ts';
import { resolveModel } from './context.ts';
import { checkContextWindow } from './generation.ts';
import { parseOrThrow, requestId } from './request.ts';
import { sendJson } from './respond.ts';

function inputs(input: string | string[] | number[] | number[][]): number[][] {
  if (typeof input === 'string') return [encodePrompt(input)];
  if (input.length > 0 && typeof input[0] === 'number') return [input as number[]];
  return (input as (string | number[])[]).map((i) => (typeof i === 'string' ? encodePrompt(i) : i));
}

/** A unit vector of `dim` floats seeded by the token ids. */
export function embed(ids: readonly number[], dim: number): number[] {
  const prng = new Prng(greedySeed(ids));
  const v = new Array<number>(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const x = prng.float() * 2 - 1;
    v[i] = x;
    norm += x * x;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dim; i++) v[i] = v[i]! * scale;
  return v;
}

function toBase64(v: number[]): string {
  return Buffer.from(new Float32Array(v).buffer).toString('base64');
}

/** Handles one embeddings request. */
export function handleEmbeddings(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  raw: unknown,
): void {
  const body = parseOrThrow(embeddingRequestSchema, raw);
  const model = resolveModel(ctx, body.model);
  const batch = inputs(body.input);
  for (const ids of batch) checkContextWindow(ctx.config.maxModelLen, ids.length, null);
  const dim = body.dimensions ?? ctx.config.embeddingDim;
  const promptTokens = batch.reduce((n, ids) => n + ids.length, 0);
  const response: EmbeddingResponse = {
    id: `embd-${requestId(req)}`,
    object: 'list',
    created: Math.floor(Date.now() / 1000),
    model,
    data: batch.map((ids, index) => {
      const v = embed(ids, dim);
      return { index, object: 'embedding', embedding: body.encoding_format === 'base64' ? toBase64(v) : v };
    }),
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  };
  // An embedding is one prefill pass; it does not queue behind generation in this model.
  const costMs =
    decodeStepMs(ctx.config.decodeCurve, batch.length) + promptTokens * ctx.config.prefillMsPerToken;
  const cancel = ctx.clock.setTimer(ctx.clock.now() + costMs, () => sendJson(res, 200, response));
  res.on('close', () => {
    if (!res.writableEnded) cancel();
  });
}
