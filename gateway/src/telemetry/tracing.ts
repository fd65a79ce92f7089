/**
 * Tracing: W3C trace-context in and out, and the OpenTelemetry SDK exporting OTLP/HTTP when an endpoint is set.
 * With no endpoint the global tracer stays a no-op, so tracing costs nothing on the hot path.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Context,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The caller's context from `traceparent`/`tracestate` (the root context when absent). */
export function extractContext(headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Writes `traceparent`/`tracestate` for `context` into outgoing headers. */
export function injectContext(context: Context, headers: Record<string, string>): void {
  propagator.inject(context, headers, headerSetter);
}

/** The tracer the gateway uses (the global one unless a test passes its own). */
export function gatewayTracer(): Tracer {
  return trace.getTracer('switchyard-gateway');
}

/**
 * Starts the OpenTelemetry SDK exporting to `endpoint` (OTLP/HTTP base URL); returns its shutdown.
 * The SDK is loaded only here, so a gateway without tracing never pays for importing it.
 */
export async function startTracing(endpoint: string, serviceName: string): Promise<() => Promise<void>> {
  const [{ NodeSDK }, { OTLPTraceExporter }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
    instrumentations: [],
  });
  sdk.start();
  return () => sdk.shutdown();
}
