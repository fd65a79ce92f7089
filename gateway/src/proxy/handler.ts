/**
 * The proxy handler for the OpenAI operations: validate → authorize the model → pick an endpoint → call it →
 * relay. Responses are written straight to Node's ServerResponse (no web-stream conversion on the hot path);
 * anything thrown before the first byte is rendered once by the app's error handler.
 */

import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context as OtelContext, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { GenAiAttr, SpanName, SwitchyardAttr } from '@switchyard/api';
import type { Context, Handler } from 'hono';
import { AdmissionError } from '../admission/errors.ts';
import type { EndpointTable } from '../discovery/endpoint-table.ts';
import type { GatewayEnv } from '../env.ts';
import { GatewayError, modelNotFound, toGatewayError } from '../errors.ts';
import { mayUseModel } from '../middleware/auth/index.ts';
import type { CountableBody } from '../ratelimit/estimate.ts';
import { promptParts } from '../ratelimit/estimate.ts';
import { NoEndpointError, sendWithRetries } from '../routing/retry-policy.ts';
import type { Pick, RoutingRequest } from '../routing/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { GatewayMetrics } from '../telemetry/metrics.ts';
import { extractContext, injectContext } from '../telemetry/tracing.ts';
import { parseJsonBody, readBody } from './body.ts';
import { admissionRejection, rateLimitRejection } from './control-errors.ts';
import { Exchange } from './exchange.ts';
import type { InflightTracker } from './inflight.ts';
import { OPERATIONS, type OperationName } from './operations.ts';
import { relayJson, relayStream, relayUpstreamError } from './relay.ts';
import type { TrafficControl } from './traffic-control.ts';
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
  const { control } = deps;
  const raw = await readBody(incoming, deps.maxBodyBytes);
  const body = parseJsonBody(raw, op.schema);
  const principal = c.get('principal');
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
  const upstreamBody =
    stream && !clientWantsUsage
      ? Buffer.from(
          JSON.stringify({
            ...body,
            stream_options: { ...(body.stream_options ?? {}), include_usage: true },
          }),
        )
      : raw;

  const controller = new AbortController();
  let responding = false;
  const onClose = () => {
    if (outgoing.writableFinished) return;
    exchange.markClientAbort(responding ? 'streaming' : 'before_response');
    controller.abort();
  };
  outgoing.once('close', onClose);
  try {
    await admit(exchange, deps, body, model, principal.keyId, controller.signal, outgoing);
  } catch (error) {
    outgoing.off('close', onClose);
    throw error;
  }

  const attempt = async (pick: Pick): Promise<Attempt> => {
    const endpoint = pick.endpoint;
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
    let released = false;
    const release = (status: number, reason?: string) => {
      if (released) return;
      released = true;
      endpoint.outstanding--;
      deps.metrics.upstreamRequests.inc({ endpoint: endpoint.id, status: String(status) });
      if (reason) deps.metrics.upstreamErrors.inc({ endpoint: endpoint.id, reason });
      deps.metrics.upstreamDuration.observe({ endpoint: endpoint.id }, (performance.now() - sentAt) / 1000);
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
        controller.signal,
      );
      return { response, release };
    } catch (error) {
      const failure = toGatewayError(error);
      release(failure.status, failure.code ?? 'error');
      throw failure;
    }
  };

  let sent: Attempt;
  try {
    // Retries happen only here, before anything is written to the client.
    const result = await sendWithRetries<Attempt>({
      maxAttempts: control.maxAttempts,
      pick: (exclude) =>
        route(exchange, deps, { model, tenant: exchange.tenant, prefixText: prefixOf(body) }, exclude),
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
  return RESPONSE_ALREADY_SENT;
}

/** One upstream attempt: its response (headers in, body unread) and how to release the endpoint. */
interface Attempt {
  response: Awaited<ReturnType<UpstreamClient['send']>>;
  release: (status: number, reason?: string) => void;
}

/**
 * Rate limit, then admission: reserves tokens (429 when over a limit), waits for a queue slot (503/429 on
 * overflow or deadline), and arranges settlement and release when the exchange finishes, however it ends.
 */
async function admit(
  exchange: Exchange,
  deps: ProxyDeps,
  body: CountableBody & { model: string },
  model: string,
  keyId: string,
  signal: AbortSignal,
  outgoing: ServerResponse,
): Promise<void> {
  const { control, tracer } = deps;
  const estimate = await control.estimateTokens(model, body);
  const limitSpan = tracer.startSpan(SpanName.rateLimit, { kind: SpanKind.INTERNAL }, exchange.context);
  const decision = await control.limiter.reserve(
    { apiKey: keyId, tenant: exchange.tenant, model },
    estimate.total,
  );
  limitSpan.setAttributes({
    'switchyard.rate_limit.result': decision.reason,
    'switchyard.rate_limit.reserved_tokens': decision.allowed ? estimate.total : 0,
    'switchyard.rate_limit.token_source': estimate.source,
  });
  if (decision.limitedBy) limitSpan.setAttribute('switchyard.rate_limit.rule', decision.limitedBy.rule);
  limitSpan.end();
  for (const [k, v] of Object.entries(decision.headers)) outgoing.setHeader(k, v);
  if (!decision.allowed) throw rateLimitRejection(decision, control.limiter);

  // Tokens actually used: the engine's usage, else the prompt plus what was streamed before a disconnect.
  const used = () => {
    const usage = exchange.usage;
    if (usage) return usage.prompt_tokens + (usage.completion_tokens ?? 0);
    return exchange.upstreamStarted ? estimate.promptTokens + exchange.tokenEvents : 0;
  };
  exchange.onFinish(() => {
    void decision.reservation.settle(used());
    if (exchange.usage) control.observeUsage(body, exchange.usage.prompt_tokens);
  });

  const queueSpan = tracer.startSpan(SpanName.queueWait, { kind: SpanKind.INTERNAL }, exchange.context);
  try {
    const ticket = await control.queue.admit({
      model,
      tenant: exchange.tenant,
      priority: control.priorityOf(exchange.tenant),
      tokens: estimate.total,
      signal,
    });
    queueSpan.setAttribute(SwitchyardAttr.queueWaitMs, ticket.waitedMs);
    exchange.span.setAttribute(GenAiAttr.latencyTimeInQueue, ticket.waitedMs / 1000);
    exchange.onFinish(() => ticket.release(used()));
  } catch (error) {
    if (!(error instanceof AdmissionError)) throw error;
    queueSpan.setAttribute('switchyard.queue.result', error.reason);
    if (error.reason === 'cancelled') {
      throw new GatewayError(499, 'The client closed the request while it was queued.', {
        code: 'client_closed',
      });
    }
    throw admissionRejection(error);
  } finally {
    queueSpan.end();
  }
}

/** The leading prompt text, for prefix affinity. */
function prefixOf(body: CountableBody): string {
  return promptParts(body).text.slice(0, 4096);
}

function route(
  exchange: Exchange,
  deps: ProxyDeps,
  request: RoutingRequest,
  exclude: ReadonlySet<string>,
): Pick | undefined {
  const span = deps.tracer.startSpan(SpanName.routing, { kind: SpanKind.INTERNAL }, exchange.context);
  const picker = deps.control.pickerFor(request.model);
  const pick = picker.pick(request, deps.control.candidates(request.model), exclude);
  span.setAttribute('switchyard.picker', picker.name);
  span.setAttribute('switchyard.route.attempt', exclude.size + 1);
  if (!pick) {
    span.setAttribute('switchyard.route.result', 'no_ready_endpoint');
    span.end();
    return undefined;
  }
  span.setAttribute(SwitchyardAttr.endpoint, pick.endpoint.id);
  span.setAttribute(SwitchyardAttr.endpointScores, JSON.stringify(pick.scores));
  span.end();
  return pick;
}

function recordRequestAttributes(exchange: Exchange, body: Record<string, unknown>): void {
  const span = exchange.span;
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (typeof maxTokens === 'number') span.setAttribute(GenAiAttr.requestMaxTokens, maxTokens);
  if (typeof body.temperature === 'number') span.setAttribute(GenAiAttr.requestTemperature, body.temperature);
  if (typeof body.top_p === 'number') span.setAttribute(GenAiAttr.requestTopP, body.top_p);
  span.setAttribute(SwitchyardAttr.streamed, body.stream === true);
}
