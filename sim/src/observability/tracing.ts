/**
 * sim/observability — the `llm_request` server span vLLM emits per request. The caller's W3C
 * `traceparent`/`tracestate` are extracted so the span joins the caller's trace; the span is built
 * once, when the request finishes (start time backdated to arrival), so tracing costs nothing per
 * token and nothing at all when no endpoint is configured.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Attributes, Tracer } from '@opentelemetry/api';
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { GenAiAttr, ServiceName, SpanName } from '@switchyard/api';
import type { FinishReason, Sequence } from '../engine/sequence.ts';

/** What the span needs to know about the request beyond the engine's sequence. */
export interface TracedRequest {
  headers: IncomingHttpHeaders;
  /** Wall-clock arrival, epoch ms. */
  arrivalWallMs: number;
  model: string;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  n: number;
}

/** Emits `llm_request` spans to an exporter. */
export class RequestTracer {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #propagator = new W3CTraceContextPropagator();

  constructor(processor: SpanProcessor) {
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': ServiceName.engine }),
      spanProcessors: [processor],
    });
    this.#tracer = this.#provider.getTracer('switchyard-sim');
  }

  /** Records the finished request as one server span, child of the caller's context if any. */
  recordRequest(req: TracedRequest, seq: Sequence, reason: FinishReason): void {
    const parent = this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const t = seq.times;
    const attributes: Attributes = {
      [GenAiAttr.responseModel]: req.model,
      [GenAiAttr.requestId]: seq.spec.id,
      [GenAiAttr.requestN]: req.n,
      [GenAiAttr.usageInputTokens]: seq.spec.promptTokens,
      [GenAiAttr.usageOutputTokens]: seq.outputTokens,
      [GenAiAttr.responseFinishReasons]: [reason],
      [GenAiAttr.latencyTimeInQueue]: Math.max(0, t.scheduledMs - t.queuedMs) / 1000,
      [GenAiAttr.latencyE2e]: (t.finishedMs - t.arrivalMs) / 1000,
    };
    if (!Number.isNaN(t.firstTokenMs))
      attributes[GenAiAttr.latencyTimeToFirstToken] = (t.firstTokenMs - t.arrivalMs) / 1000;
    if (req.temperature !== null) attributes[GenAiAttr.requestTemperature] = req.temperature;
    if (req.topP !== null) attributes[GenAiAttr.requestTopP] = req.topP;
    if (req.maxTokens !== null) attributes[GenAiAttr.requestMaxTokens] = req.maxTokens;
    const span = this.#tracer.startSpan(
      SpanName.engineRequest,
      { kind: SpanKind.SERVER, startTime: req.arrivalWallMs, attributes },
      parent,
    );
    if (reason === 'abort') span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' });
    span.end(Date.now());
  }

  /** Flushes pending spans and stops the exporter. */
  async shutdown(): Promise<void> {
    await this.#provider.shutdown();
  }
}

/** The OTLP/HTTP traces URL for `--otlp-traces-endpoint`: a bare origin gets `/v1/traces`. */
export function otlpTracesUrl(endpoint: string): string {
  const url = new URL(endpoint.replace(/^grpc:\/\//, 'http://'));
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}

/**
 * A tracer for the configured destination: an exporter given in-process (tests) wins over an
 * endpoint; with neither, null (and the request path skips tracing entirely).
 */
export function createRequestTracer(endpoint?: string, exporter?: SpanExporter): RequestTracer | null {
  if (exporter) return new RequestTracer(new SimpleSpanProcessor(exporter));
  if (endpoint)
    return new RequestTracer(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(endpoint) })));
  return null;
}
