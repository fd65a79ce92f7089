/**
 * One client request's bookkeeping from arrival to end: the server span, metrics, the access log line
 * and the drain counter, closed exactly once whatever path the request takes.
 */
import {
  type Attributes,
  type Context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  context as otelContext,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { GenAiAttr, SpanEvent, type Usage } from '@switchyard/api';
import type { Logger } from '../telemetry/logger.ts';
import { type GatewayMetrics, statusText } from '../telemetry/metrics.ts';
import type { InflightTracker } from './inflight.ts';

/** Stands in for every child span of a request that is not recorded; ending it does nothing. */
const NOT_RECORDED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Per-request state shared by the handler steps. */
export class Exchange {
  readonly startedAt = performance.now();
  readonly span: Span;
  readonly context: Context;
  /** False under the no-op tracer (or an unsampled trace): child spans and their attributes are skipped. */
  readonly recording: boolean;
  model = 'unknown';
  tenant: string;
  endpointId: string | undefined;
  stream = false;
  /** A request went to an engine (so its prompt was processed, even if the client left). */
  upstreamStarted = false;
  usage: Usage | undefined;
  firstTokenAt: number | undefined;
  lastTokenAt: number | undefined;
  tokenEvents = 0;
  #done = false;
  readonly #onFinish: Array<(status: number) => void> = [];
  readonly #metrics: GatewayMetrics;
  readonly #logger: Logger;
  readonly #inflight: InflightTracker;
  readonly #accessLog: boolean;
  readonly #tracer: Tracer;
  readonly requestId: string;

  constructor(
    span: Span,
    parent: Context,
    deps: {
      metrics: GatewayMetrics;
      logger: Logger;
      inflight: InflightTracker;
      accessLog: boolean;
      tracer: Tracer;
    },
    tenant: string,
    requestId: string,
  ) {
    this.span = span;
    this.recording = span.isRecording();
    // An unrecorded span that carries the caller's span context (or none: no caller, no-op tracer) adds
    // nothing to propagate, so the caller's context serves as is, without a copy per request.
    const carried = span.spanContext();
    this.context =
      !this.recording && (carried === INVALID_SPAN_CONTEXT || carried === trace.getSpanContext(parent))
        ? parent
        : trace.setSpan(parent, span);
    this.#tracer = deps.tracer;
    this.#metrics = deps.metrics;
    this.#logger = deps.logger;
    this.#inflight = deps.inflight;
    this.#accessLog = deps.accessLog;
    this.tenant = tenant;
    this.requestId = requestId;
    deps.inflight.enter();
  }

  /** Sets the model once it is known and valid (a bounded label). */
  setModel(model: string): void {
    this.model = model;
    this.span.setAttribute(GenAiAttr.requestModel, model);
    this.#metrics.active.series(model).inc();
  }

  /**
   * Starts a child span of the request's server span. When the request is not recorded this returns one
   * shared no-op span: no per-request span objects, attribute maps or context copies on the hot path.
   */
  startChild(name: string, kind: SpanKind, attributes?: () => Attributes): Span {
    if (!this.recording) return NOT_RECORDED;
    return this.#tracer.startSpan(
      name,
      attributes ? { kind, attributes: attributes() } : { kind },
      this.context,
    );
  }

  /** Marks `count` token-carrying events relayed to the client together (one clock read for them all). */
  markTokens(count: number): void {
    const now = performance.now();
    if (this.firstTokenAt === undefined) {
      this.firstTokenAt = now;
      this.span.addEvent(SpanEvent.firstToken);
      this.#metrics.ttft.series(this.model).observe((now - this.startedAt) / 1000);
    }
    this.lastTokenAt = now;
    this.tokenEvents += count;
  }

  /** Records that the client went away before the response ended. */
  markClientAbort(phase: 'before_response' | 'streaming'): void {
    this.span.addEvent(SpanEvent.clientAbort, { phase });
    this.#metrics.clientAborts.series(this.model, phase).inc();
  }

  /** Runs `fn` when the exchange finishes (settle rate-limit reservations, release the queue slot). */
  onFinish(fn: (status: number) => void): void {
    this.#onFinish.push(fn);
  }

  /** Closes the exchange: metrics, span, access log, drain counter. Idempotent. */
  finish(status: number, errorCode?: string | null): void {
    if (this.#done) return;
    this.#done = true;
    for (const fn of this.#onFinish) fn(status);
    const seconds = (performance.now() - this.startedAt) / 1000;
    const m = this.#metrics;
    const model = this.model;
    const statusLabel = statusText(status);
    if (model !== 'unknown') m.active.series(model).dec();
    m.requests.series(model, this.tenant, statusLabel).inc();
    m.duration.series(model, statusLabel).observe(seconds);
    if (status >= 400) m.errors.series(model, statusLabel, errorCode ?? 'error').inc();
    const usage = this.usage;
    if (usage) {
      m.tokens.series(model, this.tenant, 'prompt').inc(usage.prompt_tokens);
      if (usage.completion_tokens) {
        m.tokens.series(model, this.tenant, 'completion').inc(usage.completion_tokens);
      }
      this.span.setAttribute(GenAiAttr.usageInputTokens, usage.prompt_tokens);
      this.span.setAttribute(GenAiAttr.usageOutputTokens, usage.completion_tokens ?? 0);
    }
    const generated = usage?.completion_tokens ?? this.tokenEvents;
    if (this.stream && this.firstTokenAt !== undefined && this.lastTokenAt !== undefined && generated > 1) {
      m.tpot.series(model).observe((this.lastTokenAt - this.firstTokenAt) / 1000 / (generated - 1));
    }
    this.span.setAttribute('http.response.status_code', status);
    if (status >= 500) this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorCode ?? undefined });
    this.span.end();
    this.#inflight.leave();
    if (this.#accessLog) {
      this.#logger.info(
        {
          requestId: this.requestId,
          traceId: isSpanContextValid(this.span.spanContext()) ? this.span.spanContext().traceId : undefined,
          model,
          tenant: this.tenant,
          endpoint: this.endpointId,
          status,
          code: errorCode ?? undefined,
          stream: this.stream,
          ms: Math.round(seconds * 1000 * 10) / 10,
          ttftMs:
            this.firstTokenAt === undefined
              ? undefined
              : Math.round((this.firstTokenAt - this.startedAt) * 10) / 10,
          promptTokens: usage?.prompt_tokens,
          completionTokens: usage?.completion_tokens,
        },
        'request',
      );
    }
  }

  /** Runs `fn` with this exchange's span as the active context. */
  within<T>(fn: () => T): T {
    return otelContext.with(this.context, fn);
  }
}
