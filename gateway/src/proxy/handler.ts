/**
 * The proxy handler for the OpenAI operations: validate → authorize the model → rate limit and admission
 * (`traffic-steps.ts`) → pick an endpoint and call it, retrying elsewhere before the first byte → relay. Responses are written straight to Node's ServerResponse (no web-stream conversion on the hot path);
 * anything thrown before the first byte is rendered once by the app's error handler.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context as OtelContext, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { GenAiAttr, SpanName, SwitchyardAttr } from '@switchyard/api';
import type { Handler } from 'hono';
import type { EndpointTable } from '../discovery/endpoint-table.ts';
import type { GatewayEnv, Principal } from '../env.ts';
import { GatewayError, modelNotFound, toGatewayError } from '../errors.ts';
import { mayUseModel } from '../middleware/auth/index.ts';
import { NoEndpointError, sendWithRetries } from '../routing/retry-policy.ts';
import type { Pick } from '../routing/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { GatewayMetrics } from '../telemetry/metrics.ts';
import { statusText } from '../telemetry/metrics.ts';
import { extractContext, injectContext } from '../telemetry/tracing.ts';
import { parseJsonBody, readBody } from './body.ts';
import { Exchange } from './exchange.ts';
import type { InflightTracker } from './inflight.ts';
import { OPERATIONS, type OperationName } from './operations.ts';
import { relayJson, relayStream, relayUpstreamError } from './relay.ts';
import { RequestAbort } from './request-abort.ts';
import type { TrafficControl } from './traffic-control.ts';
import { admitRequest, prefixOf, routeRequest } from './traffic-steps.ts';
import type { UpstreamClient } from './upstream.ts';

/** What the proxy handlers need. */
export interface ProxyDeps {
  endpoints: EndpointTable;
  /** Rate limits, admission queue, routing, retries (see `traffic-control.ts`). */
  control: TrafficControl;
  upstream: UpstreamClient;
  metrics: GatewayMetrics;
  tracer: Tracer;
  logger: Logger;
  inflight: InflightTracker;
  maxBodyBytes: number;
  accessLog: boolean;
}

const noEndpoint = (model: string) =>
  new GatewayError(503, `No ready server for model \`${model}\` right now. Try again shortly.`, {
    type: 'service_unavailable',
    code: 'no_ready_endpoints',
    headers: { 'retry-after': '1' },
  });

/**
 * A proxied operation at the Node level: what the API listener calls for its POST routes without going
 * through Hono. Resolves when the response is written or handed to the stream relay; rejects, before the
 * first byte only, with the error to render.
 */
export type ProxyRoute = (
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  principal: Principal,
  requestId: string,
) => Promise<void>;

/** Creates the Node-level route for one operation. */
export function proxyRoute(name: OperationName, deps: ProxyDeps): ProxyRoute {
  const op = OPERATIONS[name];
  const spanName = `POST ${op.path}`;
  return async (incoming, outgoing, principal, requestId) => {
    const parent = extractContext(incoming.headers);
    const span = deps.tracer.startSpan(
      spanName,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [GenAiAttr.operationName]: op.genAiOperation,
          [GenAiAttr.system]: 'vllm',
          [SwitchyardAttr.tenant]: principal.tenant,
          'http.request.method': 'POST',
          'url.path': op.path,
        },
      },
      parent,
    );
    const exchange = new Exchange(span, parent, deps, principal.tenant, requestId);
    try {
      await handle(incoming, outgoing, principal, name, exchange, deps);
    } catch (error) {
      const failure = toGatewayError(error);
      if (failure.status >= 500 && failure.code === 'internal_error') {
        deps.logger.error({ err: error, requestId: exchange.requestId }, 'request failed');
      }
      exchange.finish(failure.status, failure.code);
      throw failure;
    }
  };
}

/** The same route as a Hono handler (the app's own routes, used when the app is served without the fast path). */
export function proxyHandler(name: OperationName, deps: ProxyDeps): Handler<GatewayEnv> {
  const route = proxyRoute(name, deps);
  return async (c) => {
    await route(c.env.incoming, c.env.outgoing, c.get('principal'), c.get('requestId'));
    return RESPONSE_ALREADY_SENT;
  };
}

async function handle(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  principal: Principal,
  name: OperationName,
  exchange: Exchange,
  deps: ProxyDeps,
): Promise<void> {
  const op = OPERATIONS[name];
  const { control } = deps;
  const raw = await readBody(incoming, deps.maxBodyBytes);
  const body = parseJsonBody(raw, op.schema);
  if (!mayUseModel(principal, body.model) || !control.isKnownModel(body.model))
    throw modelNotFound(body.model);
  const model = body.model;
  exchange.setModel(model);
  recordRequestAttributes(exchange, body);

  if (body.stream === true && !op.streams) {
    throw new GatewayError(400, 'Streaming is not supported for this endpoint.', { param: 'stream' });
  }
  const stream = body.stream === true;
  exchange.stream = stream;
  const clientWantsUsage =
    stream && (body.stream_options as { include_usage?: boolean } | null)?.include_usage === true;
  // Ask the engine for usage even when the client did not, so tokens are accounted; the relay strips it again.
  const upstreamBody = stream && !clientWantsUsage ? withUsageRequested(raw, body) : raw;

  const clientGone = new RequestAbort();
  let responding = false;
  const onClose = () => {
    if (outgoing.writableFinished) return;
    exchange.markClientAbort(responding ? 'streaming' : 'before_response');
    clientGone.abort();
  };
  outgoing.once('close', onClose);
  try {
    const waiting = admitRequest(exchange, deps, body, model, principal.keyId, clientGone, outgoing);
    if (waiting) await waiting;
  } catch (error) {
    outgoing.off('close', onClose);
    throw error;
  }

  const attempt = async (pick: Pick): Promise<Attempt> => {
    const endpoint = pick.endpoint;
    endpoint.outstanding++;
    const upstreamSpan = exchange.startChild(SpanName.upstream, SpanKind.CLIENT, () => ({
      [SwitchyardAttr.endpoint]: endpoint.id,
      'server.address': endpoint.url,
    }));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'x-request-id': exchange.requestId,
    };
    // Unrecorded: the engine still joins the caller's trace (if any) through the server span's context.
    injectContext(
      exchange.recording ? (trace.setSpan(exchange.context, upstreamSpan) as OtelContext) : exchange.context,
      headers,
    );
    const sentAt = performance.now();
    let released = false;
    const release = (status: number, reason?: string) => {
      if (released) return;
      released = true;
      endpoint.outstanding--;
      const m = deps.metrics;
      m.upstreamRequests.series(endpoint.id, statusText(status)).inc();
      if (reason) m.upstreamErrors.series(endpoint.id, reason).inc();
      m.upstreamDuration.series(endpoint.id).observe((performance.now() - sentAt) / 1000);
      upstreamSpan.setAttribute('http.response.status_code', status);
      upstreamSpan.end();
      control.queue.notify(model);
    };
    try {
      const response = await deps.upstream.send(
        endpoint.url,
        op.path,
        'POST',
        headers,
        upstreamBody,
        clientGone,
      );
      return { response, release };
    } catch (error) {
      const failure = toGatewayError(error);
      release(failure.status, failure.code ?? 'error');
      throw failure;
    }
  };

  const routing = { model, tenant: exchange.tenant, prefixText: prefixOf(body) };
  let sent: Attempt;
  try {
    // Retries happen only here, before anything is written to the client.
    const result = await sendWithRetries<Attempt>({
      maxAttempts: control.maxAttempts,
      pick: (exclude) => routeRequest(exchange, deps, routing, exclude),
      send: attempt,
      status: (a) => a.response.statusCode,
      discard: (a) => {
        a.response.body.on('error', () => {}); // a drained 503 body has nothing left to report
        a.response.body.resume();
        a.release(a.response.statusCode, `status_${a.response.statusCode}`);
      },
      outliers: control.outliers,
    });
    sent = result.response;
    exchange.endpointId = result.pick.endpoint.id;
    exchange.upstreamStarted = true;
  } catch (error) {
    outgoing.off('close', onClose);
    if (error instanceof NoEndpointError) throw noEndpoint(model);
    throw error;
  }
  responding = true;
  const ctx = {
    exchange,
    outgoing,
    response: sent.response,
    release: sent.release,
    requestId: exchange.requestId,
  };
  if (sent.response.statusCode >= 400) {
    await relayUpstreamError(ctx);
  } else if (stream) {
    relayStream(ctx, !clientWantsUsage);
  } else {
    await relayJson(ctx);
  }
}

/** One upstream attempt: its response (headers in, body unread) and how to release the endpoint. */
interface Attempt {
  response: Awaited<ReturnType<UpstreamClient['send']>>;
  release: (status: number, reason?: string) => void;
}

function recordRequestAttributes(exchange: Exchange, body: Record<string, unknown>): void {
  const span = exchange.span;
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (typeof maxTokens === 'number') span.setAttribute(GenAiAttr.requestMaxTokens, maxTokens);
  if (typeof body.temperature === 'number') span.setAttribute(GenAiAttr.requestTemperature, body.temperature);
  if (typeof body.top_p === 'number') span.setAttribute(GenAiAttr.requestTopP, body.top_p);
  span.setAttribute(SwitchyardAttr.streamed, body.stream === true);
}

const ASK_USAGE = Buffer.from(',"stream_options":{"include_usage":true}}');
const CLOSE_BRACE = 0x7d;

/**
 * The request body with `stream_options.include_usage` set. Without a `stream_options` key the field is
 * spliced in before the body's closing brace (the body parsed as a JSON object, so its last non-space byte is
 * `}`), sparing a re-serialisation of the whole prompt per streamed request; otherwise it is re-serialised.
 */
function withUsageRequested(raw: Buffer, body: Record<string, unknown>): Buffer {
  if (body.stream_options === undefined) {
    let end = raw.length - 1;
    while (end > 0 && raw[end] !== CLOSE_BRACE) end--;
    return Buffer.concat([raw.subarray(0, end), ASK_USAGE]);
  }
  return Buffer.from(
    JSON.stringify({
      ...body,
      stream_options: { ...((body.stream_options as object | null) ?? {}), include_usage: true },
    }),
  );
}
