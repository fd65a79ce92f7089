/**
 * The proxy handler for the OpenAI operations: validate → authorize the model → rate limit and admission
 * (`traffic-steps.ts`) → pick an endpoint and call it, retrying elsewhere before the first byte → relay.
 * Responses are written straight to Node's ServerResponse (no web-stream conversion on the hot path); anything
 * thrown before the first byte is handed back once, to be rendered by the caller.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context as OtelContext, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { GenAiAttr, SpanName, SwitchyardAttr } from '@switchyard/api';
import type { Handler } from 'hono';
import type { EndpointTable } from '../discovery/endpoint-table.ts';
import type { GatewayEnv, Principal } from '../env.ts';
import { GatewayError, modelNotFound, toGatewayError } from '../errors.ts';
import { mayUseModel } from '../middleware/auth/index.ts';
import { NoEndpointError, RetryPlan } from '../routing/retry-policy.ts';
import type { Pick } from '../routing/types.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { GatewayMetrics } from '../telemetry/metrics.ts';
import { statusText } from '../telemetry/metrics.ts';
import { extractContext, injectContext } from '../telemetry/tracing.ts';
import { type BodySink, parseJsonBody, readBody } from './body.ts';
import { Exchange } from './exchange.ts';
import type { InflightTracker } from './inflight.ts';
import { OPERATIONS, type OperationName } from './operations.ts';
import { CLIENT_CLOSED, type RelayContext, relayJson, relayStream, relayUpstreamError } from './relay.ts';
import { RequestAbort } from './request-abort.ts';
import type { TrafficControl } from './traffic-control.ts';
import { admitRequest, prefixOf, routeRequest } from './traffic-steps.ts';
import type { UpstreamClient, UpstreamError, UpstreamResponse, UpstreamSink } from './upstream.ts';
import type { WriteBatch } from './write-batch.ts';

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
  /** Where the relays' client writes go (coalesced per loop turn under load). */
  writes: WriteBatch;
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
 * How a route reports, once: with nothing when the response is written or handed to the stream relay, or
 * with the error to render, before the first byte only.
 */
export type RouteDone = (failure?: unknown) => void;

/** A proxied operation at the Node level: what the API listener calls for its POST routes without Hono. */
export type ProxyRoute = (
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  principal: Principal,
  requestId: string,
  done: RouteDone,
) => void;

/** Creates the Node-level route for one operation. */
export function proxyRoute(name: OperationName, deps: ProxyDeps): ProxyRoute {
  const op = OPERATIONS[name];
  const spanName = `POST ${op.path}`;
  return (incoming, outgoing, principal, requestId, done) => {
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
    new ProxyCall(name, deps, incoming, outgoing, principal, exchange, done).start();
  };
}

/** The same route as a Hono handler (the app's own routes, used when the app is served without the fast path). */
export function proxyHandler(name: OperationName, deps: ProxyDeps): Handler<GatewayEnv> {
  const route = proxyRoute(name, deps);
  return (c) =>
    new Promise((resolve, reject) => {
      route(c.env.incoming, c.env.outgoing, c.get('principal'), c.get('requestId'), (failure) =>
        failure === undefined ? resolve(RESPONSE_ALREADY_SENT) : reject(failure),
      );
    });
}

/**
 * One proxied request, as callbacks from step to step: read the body → validate, authorize the model →
 * rate limit and admission (`traffic-steps.ts`) → pick an endpoint and send, retrying elsewhere before the
 * first byte (`RetryPlan`) → relay. Only the body, a queue wait and the engine's answer are waited for, and
 * none of them through a promise in the usual case: the promises and async frames of the step-per-await
 * handler this replaced cost the gateway CPU per request (ADR 0002, seventh pass). Anything thrown before the
 * first byte ends in `#fail`, once.
 */
class ProxyCall implements BodySink {
  readonly #name: OperationName;
  readonly #deps: ProxyDeps;
  readonly #incoming: IncomingMessage;
  readonly #outgoing: ServerResponse;
  readonly #principal: Principal;
  readonly #exchange: Exchange;
  readonly #done: RouteDone;
  readonly #clientGone = new RequestAbort();
  #stream = false;
  #clientWantsUsage = false;
  #upstreamBody: Buffer | undefined;
  #plan: RetryPlan | undefined;
  #responding = false;
  #ended = false;
  readonly #onClose = () => {
    if (!this.#outgoing.writableFinished) this.#clientLeft();
  };

  constructor(
    name: OperationName,
    deps: ProxyDeps,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    principal: Principal,
    exchange: Exchange,
    done: RouteDone,
  ) {
    this.#name = name;
    this.#deps = deps;
    this.#incoming = incoming;
    this.#outgoing = outgoing;
    this.#principal = principal;
    this.#exchange = exchange;
    this.#done = done;
  }

  start(): void {
    readBody(this.#incoming, this.#deps.maxBodyBytes, this);
  }

  bodyFailed(error: Error): void {
    this.#fail(error);
  }

  bodyRead(raw: Buffer): void {
    let waiting: Promise<void> | undefined;
    try {
      waiting = this.#admit(raw);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (waiting) {
      waiting.then(
        () => this.#route(),
        (error: unknown) => this.#fail(error),
      );
    } else {
      this.#route();
    }
  }

  /** Validates and authorizes the body, then rate limit and admission; a promise only when those wait. */
  #admit(raw: Buffer): Promise<void> | undefined {
    const op = OPERATIONS[this.#name];
    const deps = this.#deps;
    const principal = this.#principal;
    const exchange = this.#exchange;
    const body = parseJsonBody(raw, op.schema);
    if (!mayUseModel(principal, body.model) || !deps.control.isKnownModel(body.model))
      throw modelNotFound(body.model);
    const model = body.model;
    exchange.setModel(model);
    recordRequestAttributes(exchange, body);

    if (body.stream === true && !op.streams) {
      throw new GatewayError(400, 'Streaming is not supported for this endpoint.', { param: 'stream' });
    }
    const stream = body.stream === true;
    exchange.stream = stream;
    this.#stream = stream;
    this.#clientWantsUsage =
      stream && (body.stream_options as { include_usage?: boolean } | null)?.include_usage === true;
    // Ask the engine for usage even when the client did not, so tokens are accounted; the relay strips it again.
    this.#upstreamBody = stream && !this.#clientWantsUsage ? withUsageRequested(raw, body) : raw;
    const routing = { model, tenant: exchange.tenant, prefixText: prefixOf(body) };
    this.#plan = new RetryPlan({
      maxAttempts: deps.control.maxAttempts,
      pick: (exclude) => routeRequest(exchange, deps, routing, exclude),
      outliers: deps.control.outliers,
    });

    this.#outgoing.on('close', this.#onClose);
    return admitRequest(exchange, deps, body, principal.keyId, this.#clientGone, this.#outgoing);
  }

  /** The first attempt. */
  #route(): void {
    let pick: Pick;
    try {
      pick = this.#plan!.first();
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#send(pick);
  }

  /** One attempt on `pick`: the engine's answer comes back to `responded` or `attemptFailed`. */
  #send(pick: Pick): void {
    const exchange = this.#exchange;
    const endpoint = pick.endpoint;
    endpoint.outstanding++;
    const span = exchange.startChild(SpanName.upstream, SpanKind.CLIENT, () => ({
      [SwitchyardAttr.endpoint]: endpoint.id,
      'server.address': endpoint.url,
    }));
    const attempt = new Attempt(this, pick, span, exchange, this.#outgoing, this.#deps);
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: this.#stream ? 'text/event-stream' : 'application/json',
        'x-request-id': exchange.requestId,
      };
      // Unrecorded: the engine still joins the caller's trace (if any) through the server span's context.
      injectContext(
        exchange.recording ? (trace.setSpan(exchange.context, span) as OtelContext) : exchange.context,
        headers,
      );
      this.#deps.upstream.dispatch(
        endpoint.url,
        OPERATIONS[this.#name].path,
        'POST',
        headers,
        this.#upstreamBody,
        this.#clientGone,
        attempt,
      );
    } catch (error) {
      attempt.failed(error);
    }
  }

  /** An attempt failed before any response (its endpoint is released): try elsewhere, or give up. */
  attemptFailed(attempt: Attempt, failure: GatewayError): void {
    let next: Pick;
    try {
      next = this.#plan!.afterError(attempt.pick, failure);
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#send(next);
  }

  /** An engine answered: retry a 503 elsewhere (before anything reached the client), or relay. */
  responded(attempt: Attempt): void {
    try {
      const response = attempt.response;
      const next = this.#plan!.afterResponse(attempt.pick, response.statusCode);
      if (next) {
        response.body.on('error', () => {}); // a drained 503 body has nothing left to report
        response.body.resume();
        attempt.release(response.statusCode, `status_${response.statusCode}`);
        this.#send(next);
        return;
      }
      const exchange = this.#exchange;
      exchange.endpointId = attempt.pick.endpoint.id;
      exchange.upstreamStarted = true;
      this.#responding = true;
      if (response.statusCode >= 400) {
        relayUpstreamError(attempt, (failure) => this.#relayed(failure));
      } else if (this.#stream) {
        relayStream(attempt, !this.#clientWantsUsage);
        this.#end(undefined);
      } else {
        relayJson(attempt, (failure) => this.#relayed(failure));
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #relayed(failure: GatewayError | undefined): void {
    if (failure) this.#fail(failure);
    else this.#end(undefined);
  }

  /** Before the first byte: close the exchange with the error and hand it to be rendered. */
  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#outgoing.off('close', this.#onClose);
    const failure =
      error instanceof NoEndpointError ? noEndpoint(this.#exchange.model) : toGatewayError(error);
    if (failure.status >= 500 && failure.code === 'internal_error') {
      this.#deps.logger.error({ err: error, requestId: this.#exchange.requestId }, 'request failed');
    }
    // A client whose leaving `#onClose` did not see: it left while its body was read (before the listener),
    // or its 'close' is still to come.
    if (!this.#clientGone.aborted && this.#outgoing.destroyed) this.#clientLeft();
    if (this.#clientGone.aborted) {
      // Nobody is left to read an error: whatever failed on the way (the upstream call the disconnect
      // aborted, a body cut short), the request ends as the client's doing, and nothing is rendered.
      // A bug is still logged above.
      this.#exchange.finish(CLIENT_CLOSED, 'client_closed');
      this.#end(undefined);
      return;
    }
    this.#exchange.finish(failure.status, failure.code);
    this.#end(failure);
  }

  /** The client went away: counted once, and whatever waits on its behalf (queue, upstream call) aborted. */
  #clientLeft(): void {
    this.#exchange.markClientAbort(this.#responding ? 'streaming' : 'before_response');
    this.#clientGone.abort();
  }

  #end(failure: GatewayError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#done(failure);
  }
}

/**
 * One upstream attempt: the sink of its dispatch, then (once the engine answered) what the relays work on,
 * and how to release its endpoint, once.
 */
class Attempt implements UpstreamSink, RelayContext {
  readonly pick: Pick;
  readonly exchange: Exchange;
  readonly outgoing: ServerResponse;
  readonly requestId: string;
  readonly writes: WriteBatch;
  /** The engine's answer: set before the attempt reaches the relays, which are the only ones to read it. */
  response!: UpstreamResponse;
  readonly #call: ProxyCall;
  readonly #span: Span;
  readonly #deps: ProxyDeps;
  readonly #sentAt = performance.now();
  #released = false;

  constructor(
    call: ProxyCall,
    pick: Pick,
    span: Span,
    exchange: Exchange,
    outgoing: ServerResponse,
    deps: ProxyDeps,
  ) {
    this.#call = call;
    this.pick = pick;
    this.#span = span;
    this.exchange = exchange;
    this.outgoing = outgoing;
    this.requestId = exchange.requestId;
    this.writes = deps.writes;
    this.#deps = deps;
  }

  onUpstreamResponse(response: UpstreamResponse): void {
    this.response = response;
    this.#call.responded(this);
  }

  onUpstreamError(error: UpstreamError): void {
    this.failed(error);
  }

  /** The attempt failed before any response: release the endpoint, then retry elsewhere or give up. */
  failed(error: unknown): void {
    const failure = toGatewayError(error);
    this.release(failure.status, failure.code ?? 'error');
    this.#call.attemptFailed(this, failure);
  }

  /** Releases the endpoint and closes the upstream span; later calls do nothing. */
  release(status: number, reason?: string): void {
    if (this.#released) return;
    this.#released = true;
    const endpoint = this.pick.endpoint;
    endpoint.outstanding--;
    const m = this.#deps.metrics;
    m.upstreamRequests.series(endpoint.id, statusText(status)).inc();
    if (reason) m.upstreamErrors.series(endpoint.id, reason).inc();
    m.upstreamDuration.series(endpoint.id).observe((performance.now() - this.#sentAt) / 1000);
    this.#span.setAttribute('http.response.status_code', status);
    this.#span.end();
    this.#deps.control.queue.notify(this.exchange.model);
  }
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
