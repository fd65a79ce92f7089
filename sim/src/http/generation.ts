/**
 * sim/http — the shared core of `/v1/chat/completions` and `/v1/completions`: check the token
 * budget as vLLM does, submit the sequence to the engine, and write its tokens either as SSE chunks
 * (pre-built prefix + the token's pre-serialised JSON + suffix) or as one JSON body at the end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Usage } from '@switchyard/api';
import type { FinishReason, Sequence } from '../engine/sequence.ts';
import { greedySeed, outputSeed, TextGenerator } from '../text/generator.ts';
import { hashPromptBlocks } from '../text/hash.ts';
import { ReplyText } from '../text/reply.ts';
import type { SimContext } from './context.ts';
import { SimHttpError, sendJson } from './respond.ts';
import { openEventStream } from './sse.ts';

/** The wire format of one endpoint. */
export interface GenerationFormat {
  /** SSE chunk before any token (chat sends the role), or null. */
  opening: string | null;
  /** Start of a token chunk, up to where the token's JSON string goes. */
  tokenPrefix: string;
  /** End of a token chunk after the token's JSON string. */
  tokenSuffix: string;
  /** The chunk that carries the last text and the finish reason. */
  closing(textJson: string, reason: FinishReason, stopReason: string | null): string;
  /** The usage chunk (`choices: []`). */
  usageChunk(usage: Usage): string;
  /** The non-streamed body. */
  body(text: string, reason: FinishReason, stopReason: string | null, usage: Usage): unknown;
}

/** A validated generation request. */
export interface GenerationRequest {
  id: string;
  model: string;
  promptIds: number[];
  /** `max_tokens` (or `max_completion_tokens`) as sent, or null. */
  maxTokens: number | null;
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
  /** vLLM's `stream_options.continuous_usage_stats`: usage on every chunk. */
  continuousUsage: boolean;
  seed: number | null;
  temperature: number | null;
  topP: number | null;
  ignoreEos: boolean;
}

/** vLLM's context-window checks: 400 when the prompt or the prompt plus `max_tokens` does not fit. */
export function checkContextWindow(
  maxModelLen: number,
  promptTokens: number,
  maxTokens: number | null,
): void {
  if (promptTokens >= maxModelLen) {
    throw new SimHttpError(
      400,
      `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${promptTokens} input tokens. Please reduce the length of the input messages.`,
    );
  }
  if (maxTokens !== null && maxTokens > maxModelLen - promptTokens) {
    throw new SimHttpError(
      400,
      `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's maximum context length is ${maxModelLen} tokens and your request has ${promptTokens} input tokens (${maxTokens} > ${maxModelLen} - ${promptTokens}).`,
    );
  }
}

/** Runs one generation against the engine and writes the response. */
export function runGeneration(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  gen: GenerationRequest,
  format: GenerationFormat,
): void {
  checkContextWindow(ctx.config.maxModelLen, gen.promptIds.length, gen.maxTokens);
  const arrivalWallMs = Date.now();
  // A named seed or greedy sampling makes the reply reproducible; otherwise the simulator's own sequence.
  const seed =
    gen.seed !== null
      ? outputSeed(gen.promptIds, gen.seed)
      : gen.temperature === 0
        ? greedySeed(gen.promptIds)
        : ctx.nextSeed();
  const text = new TextGenerator(seed);
  const room = ctx.config.maxModelLen - gen.promptIds.length;
  const capped = gen.maxTokens !== null;
  const [lo, hi] = ctx.config.naturalOutputTokens;
  const natural = text.naturalLength(lo, hi);
  const maxTokens = capped ? gen.maxTokens! : Math.min(room, natural);
  const reasonAtMax = capped || natural > room ? 'length' : 'stop';
  const stops = gen.stop.filter((s) => s.length > 0);
  const reply = stops.length > 0 ? new ReplyText(stops, gen.stream) : null;
  const hangAfter = gen.stream ? ctx.faults.hangAfterTokens : Number.POSITIVE_INFINITY;
  let body = '';
  let hung = false;
  let prevTokenMs = Number.NaN;

  const usage = (seq: Sequence): Usage => ({
    prompt_tokens: gen.promptIds.length,
    total_tokens: gen.promptIds.length + seq.outputTokens,
    completion_tokens: seq.outputTokens,
    prompt_tokens_details: ctx.promptTokensDetails ? { cached_tokens: seq.cachedTokens } : null,
  });

  const live = gen.stream && gen.includeUsage && gen.continuousUsage;
  const write = gen.stream ? openEventStream(req, res) : null;
  if (write && format.opening)
    write(live ? withUsage(format.opening, gen.promptIds.length, 0) : format.opening);

  const seq = ctx.engine.submit(
    {
      id: gen.id,
      promptTokens: gen.promptIds.length,
      blockHashes: ctx.config.enablePrefixCaching
        ? hashPromptBlocks(gen.promptIds, ctx.config.blockSize)
        : [],
      maxTokens,
      reasonAtMax: gen.ignoreEos ? 'length' : reasonAtMax,
    },
    {
      onToken(s) {
        ctx.metrics.observeToken(s, prevTokenMs);
        prevTokenMs = s.times.lastTokenMs;
        const tok = text.next();
        const step = reply ? reply.push(tok.text) : null;
        const stopped = step?.stopped === true;
        if (!gen.stream) {
          if (!reply) body += tok.text;
          return stopped;
        }
        if (s.outputTokens > hangAfter) {
          hung = true;
          ctx.engine.abort(s);
          return false;
        }
        let chunk: string;
        if (stopped || s.outputTokens >= maxTokens) {
          const reason = stopped ? 'stop' : gen.ignoreEos ? 'length' : reasonAtMax;
          const last = step ? JSON.stringify(step.emit + reply!.flush()) : tok.json;
          chunk = format.closing(last, reason, reply?.stopReason ?? null);
        } else if (step) {
          // Text held back while it might start a stop string: vLLM sends no empty deltas.
          if (step.emit === '') return false;
          chunk = format.tokenPrefix + JSON.stringify(step.emit) + format.tokenSuffix;
        } else chunk = format.tokenPrefix + tok.json + format.tokenSuffix;
        write!(live ? withUsage(chunk, gen.promptIds.length, s.outputTokens) : chunk);
        return stopped;
      },
      onFinish(s, reason) {
        ctx.metrics.observeFinish(s, reason);
        ctx.tracer?.recordRequest(
          {
            headers: req.headers,
            arrivalWallMs,
            model: gen.model,
            temperature: gen.temperature,
            topP: gen.topP,
            maxTokens: gen.maxTokens,
            n: 1,
          },
          s,
          reason,
        );
        if (hung) return; // the stream stays open and silent until the client gives up
        if (reason === 'abort') {
          if (!res.writableEnded) res.destroy();
          return;
        }
        if (!gen.stream) {
          sendJson(
            res,
            200,
            format.body(reply ? reply.text : body, reason, reply?.stopReason ?? null, usage(s)),
          );
          return;
        }
        if (gen.includeUsage) write!(format.usageChunk(usage(s)));
        res.end('data: [DONE]\n\n');
      },
    },
  );
  res.on('close', () => {
    if (seq.state !== 'finished') ctx.engine.abort(seq);
  });
}

/** Adds a `usage` object to a `data: {...}\n\n` chunk (continuous usage stats). */
function withUsage(chunk: string, promptTokens: number, completionTokens: number): string {
  const usage = `{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens + completionTokens},"completion_tokens":${completionTokens}}`;
  return `${chunk.slice(0, -3)},"usage":${usage}}\n\n`;
}
