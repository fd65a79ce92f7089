/**
 * The proxy handler for the OpenAI operations: validate → authorize the model → pick an endpoint → call it →
 * relay. Responses are written straight to Node's ServerResponse (no web-stream conversion on the hot path);
 * anything thrown before the first byte is rendered once by the app's error handler.
 */

import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context as OtelContext, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { GenAiAttr, SpanName, SwitchyardAttr } from '@switchyard/api';
import type { Context, Handler } from 'hono';
import type { EndpointTable } from '../discovery/endpoint-table.ts';
import type { GatewayEnv } from '../env.ts';
import { GatewayError, modelNotFound, toGatewayError } from '../errors.ts';
import { mayUseModel } from '../middleware/auth/index.ts';
import type { EndpointState, Picker } from '../routing/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { GatewayMetrics } from '../telemetry/metrics.ts';
import { extractContext, injectContext } from '../telemetry/tracing.ts';
import { parseJsonBody, readBody } from './body.ts';
import { Exchange } from './exchange.ts';
import type { InflightTracker } from './inflight.ts';
import { OPERATIONS, type OperationName } from './operations.ts';
import { relayJson, relayStream, relayUpstreamError } from './relay.ts';
import type { UpstreamClient } from './upstream.ts';

/** What the proxy handlers need. */
export interface ProxyDeps {
  endpoints: EndpointTable;
  picker: Picker;
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

/** Creates the handler for one operation. */
export function proxyHandler(name: OperationName, deps: ProxyDeps): Handler<GatewayEnv> {
  const op = OPERATIONS[name];
  const spanName = `POST ${op.path}`;
  return async (c) => {
    const { incoming } = c.env;
    const parent = extractContext(incoming.headers);
    const principal = c.get('principal');
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
    const exchange = new Exchange(span, parent, deps, principal.tenant, c.get('requestId'));
    try {
      return await handle(c, name, exchange, deps);
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

async function handle(c: Context<GatewayEnv>, name: OperationName, exchange: Exchange, deps: ProxyDeps) {
  const op = OPERATIONS[name];
  const { incoming, outgoing } = c.env;
  const raw = await readBody(incoming, deps.maxBodyBytes);
  const body = parseJsonBody(raw, op.schema);
  const principal = c.get('principal');
  if (!mayUseModel(principal, body.model) || !deps.endpoints.hasModel(body.model))
    throw modelNotFound(body.model);
  exchange.setModel(body.model);
  recordRequestAttributes(exchange, body);

  if (body.stream === true && !op.streams) {
    throw new GatewayError(400, 'Streaming is not supported for this endpoint.', { param: 'stream' });
  }
  const stream = body.stream === true;
  exchange.stream = stream;
  const clientWantsUsage =
    stream && (body.stream_options as { include_usage?: boolean } | null)?.include_usage === true;
  // Ask the engine for usage even when the client did not, so tokens are accounted; the relay strips it again.
  const upstreamBody =
    stream && !clientWantsUsage
      ? Buffer.from(
          JSON.stringify({
            ...body,
            stream_options: { ...(body.stream_options ?? {}), include_usage: true },
          }),
        )
      : raw;

  const endpoint = route(exchange, deps, body.model);
  const controller = new AbortController();
  let responding = false;
  const onClose = () => {
    if (outgoing.writableFinished) return;
    exchange.markClientAbort(responding ? 'streaming' : 'before_response');
    controller.abort();
  };
  outgoing.once('close', onClose);

  endpoint.outstanding++;
  const upstreamSpan = deps.tracer.startSpan(
    SpanName.upstream,
    {
      kind: SpanKind.CLIENT,
      attributes: { [SwitchyardAttr.endpoint]: endpoint.id, 'server.address': endpoint.url },
    },
    exchange.context,
  );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'x-request-id': exchange.requestId,
  };
  injectContext(trace.setSpan(exchange.context, upstreamSpan) as OtelContext, headers);
  const sentAt = performance.now();
  const release = (status: number, reason?: string) => {
    endpoint.outstanding--;
    deps.metrics.upstreamRequests.inc({ endpoint: endpoint.id, status: String(status) });
    if (reason) deps.metrics.upstreamErrors.inc({ endpoint: endpoint.id, reason });
    deps.metrics.upstreamDuration.observe({ endpoint: endpoint.id }, (performance.now() - sentAt) / 1000);
    upstreamSpan.setAttribute('http.response.status_code', status);
    upstreamSpan.end();
  };

  let response: Awaited<ReturnType<UpstreamClient['send']>>;
  try {
    response = await deps.upstream.send(
      endpoint.url,
      op.path,
      'POST',
      headers,
      upstreamBody,
      controller.signal,
    );
  } catch (error) {
    const failure = toGatewayError(error);
    release(failure.status, failure.code ?? 'error');
    outgoing.off('close', onClose);
    throw failure;
  }
  responding = true;
  const ctx = { exchange, outgoing, response, release, requestId: exchange.requestId };
  if (response.statusCode >= 400) {
    await relayUpstreamError(ctx);
  } else if (stream) {
    relayStream(ctx, !clientWantsUsage);
  } else {
    await relayJson(ctx);
  }
  return RESPONSE_ALREADY_SENT;
}

function route(exchange: Exchange, deps: ProxyDeps, model: string): EndpointState {
  const span = deps.tracer.startSpan(SpanName.routing, { kind: SpanKind.INTERNAL }, exchange.context);
  const pick = deps.picker.pick({ model, tenant: exchange.tenant }, deps.endpoints.forModel(model));
  if (!pick) {
    span.setAttribute('switchyard.route.result', 'no_ready_endpoint');
    span.end();
    throw noEndpoint(model);
  }
  exchange.endpointId = pick.endpoint.id;
  span.setAttribute(SwitchyardAttr.endpoint, pick.endpoint.id);
  span.setAttribute(SwitchyardAttr.endpointScores, JSON.stringify(pick.scores));
  span.setAttribute('switchyard.picker', deps.picker.name);
  span.end();
  return pick.endpoint;
}

function recordRequestAttributes(exchange: Exchange, body: Record<string, unknown>): void {
  const span = exchange.span;
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (typeof maxTokens === 'number') span.setAttribute(GenAiAttr.requestMaxTokens, maxTokens);
  if (typeof body.temperature === 'number') span.setAttribute(GenAiAttr.requestTemperature, body.temperature);
  if (typeof body.top_p === 'number') span.setAttribute(GenAiAttr.requestTopP, body.top_p);
  span.setAttribute(SwitchyardAttr.streamed, body.stream === true);
}
