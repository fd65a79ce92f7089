/**
 * One request's time, phase by phase, read from its trace: the gateway's server span and its children
 * (auth, rate limit, queue wait, route, upstream) and the engine's `llm_request` span with vLLM's latency
 * attributes. The user-facing phases add up to the server span's duration; the engine detail splits the
 * upstream time-to-first-token into engine queue, prefill and transport.
 */
import { GenAiAttr, ServiceName, SpanEvent, SpanName } from '@switchyard/api';
import { eventTime, type JaegerSpan, type JaegerTrace, numericTag } from './jaeger.ts';

/** The phases of the breakdown, in request order. */
export const PHASES = [
  'auth',
  'rateLimit',
  'queueWait',
  'routing',
  'upstreamTtft',
  'decode',
  'gatewayOverhead',
] as const;
/** A phase name. */
export type Phase = (typeof PHASES)[number];

/** Human names of the phases. */
export const PHASE_LABELS: Readonly<Record<Phase, string>> = {
  auth: 'auth',
  rateLimit: 'rate limit',
  queueWait: 'queue wait (gateway)',
  routing: 'routing',
  upstreamTtft: 'upstream TTFT',
  decode: 'decode',
  gatewayOverhead: 'gateway overhead',
};

/** One request's phases and engine detail, ms. */
export interface RequestPhases {
  traceId: string;
  totalMs: number;
  phases: Record<Phase, number>;
  /** From the engine span when the trace has one. */
  engine?: { queueMs: number; prefillMs: number; e2eMs: number; inputTokens?: number; outputTokens?: number };
  /** Upstream time not spent inside the engine (connect, network, serialization both ways). */
  transportMs?: number;
  outputTokens?: number;
  streamed: boolean;
  status?: number;
}

const us = (v: number) => v / 1000;
const end = (s: JaegerSpan) => s.startTime + s.duration;

/** The gateway's server span of a trace (`POST /v1/...` of `llm-gateway`). */
export function gatewayRoot(trace: JaegerTrace): JaegerSpan | undefined {
  return trace.spans.find(
    (s) =>
      trace.processes[s.processID]?.serviceName === ServiceName.gateway &&
      s.operationName.startsWith('POST /'),
  );
}

/** A latency attribute in seconds, as ms, when it is plausible: within [0, the span's own duration]. */
function plausibleMs(span: JaegerSpan, key: string): number | undefined {
  const seconds = numericTag(span, key);
  if (seconds === undefined) return undefined;
  const ms = seconds * 1000;
  return ms >= 0 && ms <= us(span.duration) * 1.05 + 1 ? ms : undefined;
}

/**
 * The engine's queue, prefill and end-to-end time. The span's own start and duration are wall-clock and
 * trusted; vLLM's latency attributes are used when they fit inside the span (a clock skew or a bad value
 * falls back to the span timing and the first-token event instead of poisoning the breakdown).
 */
function engineTimes(
  span: JaegerSpan,
  firstTokenUs: number | undefined,
): NonNullable<RequestPhases['engine']> {
  const e2eMs = us(span.duration);
  const queueMs = plausibleMs(span, GenAiAttr.latencyTimeInQueue) ?? 0;
  const fromEvent =
    firstTokenUs !== undefined && firstTokenUs >= span.startTime
      ? us(firstTokenUs - span.startTime)
      : undefined;
  const ttftMs = plausibleMs(span, GenAiAttr.latencyTimeToFirstToken) ?? Math.min(fromEvent ?? 0, e2eMs);
  return { queueMs, prefillMs: Math.max(0, ttftMs - queueMs), e2eMs };
}

/** The phases of the request in `trace`, or undefined when it has no gateway server span. */
export function requestPhases(trace: JaegerTrace): RequestPhases | undefined {
  const root = gatewayRoot(trace);
  if (!root) return undefined;
  const children = trace.spans.filter((s) => s.references?.some((r) => r.spanID === root.spanID));
  const child = (name: string) => children.find((s) => s.operationName === name);
  const dur = (name: string) => us(child(name)?.duration ?? 0);
  const upstream = child(SpanName.upstream);
  const engineSpan = trace.spans.find((s) => s.operationName === SpanName.engineRequest);
  const firstToken = eventTime(root, SpanEvent.firstToken);

  let upstreamTtft = 0;
  let decode = 0;
  if (upstream) {
    const engineTtftMs = engineSpan ? plausibleMs(engineSpan, GenAiAttr.latencyTimeToFirstToken) : undefined;
    if (firstToken !== undefined && firstToken >= upstream.startTime) {
      upstreamTtft = us(Math.min(firstToken, end(upstream)) - upstream.startTime);
    } else {
      upstreamTtft = engineTtftMs ?? us(upstream.duration);
    }
    decode = Math.max(0, us(upstream.duration) - upstreamTtft);
  }
  const phases: Record<Phase, number> = {
    auth: dur(SpanName.auth),
    rateLimit: dur(SpanName.rateLimit),
    queueWait: dur(SpanName.queueWait),
    routing: dur(SpanName.routing),
    upstreamTtft,
    decode,
    gatewayOverhead: 0,
  };
  const totalMs = us(root.duration);
  const accounted =
    phases.auth + phases.rateLimit + phases.queueWait + phases.routing + us(upstream?.duration ?? 0);
  phases.gatewayOverhead = Math.max(0, totalMs - accounted);

  const result: RequestPhases = {
    traceId: trace.traceID,
    totalMs,
    phases,
    streamed: firstToken !== undefined,
  };
  const status = numericTag(root, 'http.response.status_code');
  if (status !== undefined) result.status = status;
  const outputTokens = numericTag(root, GenAiAttr.usageOutputTokens);
  if (outputTokens !== undefined) result.outputTokens = outputTokens;
  if (engineSpan) {
    result.engine = engineTimes(engineSpan, firstToken);
    const input = numericTag(engineSpan, GenAiAttr.usageInputTokens);
    const output = numericTag(engineSpan, GenAiAttr.usageOutputTokens);
    if (input !== undefined) result.engine.inputTokens = input;
    if (output !== undefined) {
      result.engine.outputTokens = output;
      result.outputTokens ??= output;
    }
    if (upstream) result.transportMs = Math.max(0, us(upstream.duration) - result.engine.e2eMs);
  }
  return result;
}
