/**
 * One streamed chat completion through the official OpenAI SDK, timed the way a user feels it: TTFT is
 * send → first content token, TPOT is the mean gap between tokens after the first, end-to-end is send →
 * stream end. Never throws: failures become a result with a status (0 for network errors) and a reason.
 */
import OpenAI from 'openai';
import type { WorkItem } from '../workload/workload.ts';

/** The outcome of one request (times in ms; `startMs` from the run's start). */
export interface RequestResult {
  kind: string;
  startMs: number;
  /** HTTP status; 0 when no response arrived (connection refused, reset, timeout). */
  status: number;
  ok: boolean;
  /** Ended by the run (Ctrl-C or the end-of-run grace) rather than by the server: kept out of the figures. */
  cancelled: boolean;
  error?: string;
  ttftMs?: number;
  tpotMs?: number;
  e2eMs: number;
  promptTokens: number;
  completionTokens: number;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** An OpenAI-compatible base URL, including `/v1`. */
  baseURL: string;
  apiKey?: string;
  /** Per-request timeout, ms. Default 120,000. */
  timeoutMs?: number;
}

/** An SDK client for load: no retries (a retry would hide the error and skew latency). */
export function createClient(options: ClientOptions): OpenAI {
  return new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'loadtest',
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
  });
}

/** Sends `item` as a streamed chat completion and measures it. */
export async function sendStreamingRequest(
  client: OpenAI,
  model: string,
  item: WorkItem,
  options: { signal?: AbortSignal; runStart?: number; now?: () => number } = {},
): Promise<RequestResult> {
  const now = options.now ?? (() => performance.now());
  const sent = now();
  const result: RequestResult = {
    kind: item.kind,
    startMs: sent - (options.runStart ?? sent),
    status: 0,
    ok: false,
    cancelled: false,
    e2eMs: 0,
    promptTokens: 0,
    completionTokens: 0,
  };
  let first: number | undefined;
  let last: number | undefined;
  let contentChunks = 0;
  try {
    const stream = await client.chat.completions.create(
      {
        model,
        messages: item.messages,
        max_tokens: item.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
        ...(item.tenant ? { user: item.tenant } : {}),
      },
      { signal: options.signal },
    );
    result.status = 200;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) {
        const t = now();
        first ??= t;
        last = t;
        contentChunks++;
      }
      if (chunk.usage) {
        result.promptTokens = chunk.usage.prompt_tokens;
        result.completionTokens = chunk.usage.completion_tokens;
      }
    }
    // An abort can end the SDK's stream quietly instead of throwing: a cut-short answer is not a success.
    if (options.signal?.aborted) {
      result.cancelled = true;
      result.error = 'cancelled';
    } else {
      result.ok = true;
    }
  } catch (error) {
    if (options.signal?.aborted || error instanceof OpenAI.APIUserAbortError) {
      result.cancelled = true;
      result.error = 'cancelled';
    } else if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      result.status = error.status;
      result.error = error.code ?? error.type ?? `http_${error.status}`;
    } else {
      // A connection error, or a stream that broke after the 200.
      result.status = result.status === 200 ? 200 : 0;
      result.error = errorReason(error);
    }
  }
  const end = now();
  result.e2eMs = end - sent;
  if (first !== undefined) result.ttftMs = first - sent;
  const generated = result.completionTokens || contentChunks;
  if (result.completionTokens === 0) result.completionTokens = contentChunks;
  if (first !== undefined && last !== undefined && generated > 1) {
    result.tpotMs = (last - first) / (generated - 1);
  }
  return result;
}

function errorReason(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: { code?: string; cause?: { code?: string } } }).cause;
    return cause?.code ?? cause?.cause?.code ?? 'connection_error';
  }
  return error instanceof Error ? error.message.slice(0, 80) : 'error';
}
