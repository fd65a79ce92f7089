/**
 * sim/http — small request helpers: schema validation into a 400, request ids, stop lists, message
 * text, and the vLLM sampling extensions the simulator honours.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describeZodError } from '@switchyard/api';
import type { z } from 'zod';
import { SimHttpError } from './respond.ts';

/** Parses `raw` with `schema` or throws a 400 naming the offending field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const { param, message } = describeZodError(result.error);
  throw new SimHttpError(400, message, param);
}

/** The request id: the caller's `x-request-id` when given (as vLLM does), else a random hex uuid. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && given.length > 0 && given.length <= 128) return given;
  return randomUUID().replaceAll('-', '');
}

/** `stop` as a list. */
export function stopList(stop: string | string[] | null | undefined): string[] {
  if (stop === null || stop === undefined) return [];
  return typeof stop === 'string' ? [stop] : stop;
}

/** Message content as plain text (text parts joined). */
export function messageText(content: string | { type: string; text?: string }[] | null | undefined): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => p.text ?? '').join('\n');
}

/**
 * vLLM extensions the simulator honours: `ignore_eos` (always run to `max_tokens`). Rejects `n > 1`,
 * which the simulator does not model.
 */
/** The sampling and streaming options chat and text completions share, as the engine run takes them. */
export function samplingOptions(body: {
  stop?: string | string[] | null | undefined;
  stream?: boolean | null | undefined;
  stream_options?: { include_usage?: boolean | null | undefined; [key: string]: unknown } | null | undefined;
  seed?: number | null | undefined;
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  [key: string]: unknown;
}) {
  return {
    stop: stopList(body.stop),
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    continuousUsage: body.stream_options?.continuous_usage_stats === true,
    seed: body.seed ?? null,
    temperature: body.temperature ?? null,
    topP: body.top_p ?? null,
    ...vllmExtras(body),
  };
}

export function vllmExtras(body: Record<string, unknown>): { ignoreEos: boolean } {
  if (typeof body.n === 'number' && body.n > 1) {
    throw new SimHttpError(400, 'The simulator generates one choice per request (n=1).', 'n');
  }
  return { ignoreEos: body.ignore_eos === true };
}
