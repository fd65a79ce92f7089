/**
 * The traffic-control steps of the proxy handler before an upstream attempt: rate limit and admission
 * (`admitRequest`), and routing one attempt (`routeRequest`), each in its own span.
 */
import type { ServerResponse } from 'node:http';
import { type Span, SpanKind } from '@opentelemetry/api';
import { GenAiAttr, SpanName, SwitchyardAttr } from '@switchyard/api';
import type { AdmitRequest, Ticket } from '../admission/admission-queue.ts';
import { AdmissionError } from '../admission/errors.ts';
import { GatewayError } from '../errors.ts';
import type { CountableBody, TokenEstimate } from '../ratelimit/estimate.ts';
import { promptParts } from '../ratelimit/estimate.ts';
import type { RateLimitDecision } from '../ratelimit/limiter.ts';
import type { Pick, RoutingRequest } from '../routing/types.ts';
import { admissionRejection, rateLimitRejection } from './control-errors.ts';
import type { Exchange } from './exchange.ts';
import type { ProxyDeps } from './handler.ts';
import type { AbortLike } from './request-abort.ts';

/** What the admission steps of one request work on. */
interface Admission {
  exchange: Exchange;
  deps: ProxyDeps;
  body: CountableBody & { model: string };
  model: string;
  keyId: string;
  signal: AbortLike;
  outgoing: ServerResponse;
}

/**
 * Rate limit, then admission: reserves tokens (429 when over a limit), waits for a queue slot (503/429 on
 * overflow or deadline), and arranges settlement and release when the exchange finishes, however it ends.
 *
 * Returns `undefined` when nothing had to wait (the token count is estimated locally, no rule needs the
 * store, the model has room: the usual case) and a promise otherwise; a rejection is thrown or rejected.
 * Each step that can wait hands back a value or a promise, so the usual case costs no promise and no
 * microtask turn (ADR 0002, sixth pass).
 */
export function admitRequest(
  exchange: Exchange,
  deps: ProxyDeps,
  body: CountableBody & { model: string },
  keyId: string,
  signal: AbortLike,
  outgoing: ServerResponse,
): Promise<void> | undefined {
  const model = body.model;
  const a: Admission = { exchange, deps, body, model, keyId, signal, outgoing };
  const estimate = deps.control.estimateTokens(model, body);
  return estimate instanceof Promise ? estimate.then((e) => reserve(a, e)) : reserve(a, estimate);
}

function reserve(a: Admission, estimate: TokenEstimate): Promise<void> | undefined {
  const { exchange, deps } = a;
  const limitSpan = exchange.startChild(SpanName.rateLimit, SpanKind.INTERNAL);
  const decision = deps.control.limiter.reserve(
    { apiKey: a.keyId, tenant: exchange.tenant, model: a.model },
    estimate.total,
  );
  return decision instanceof Promise
    ? decision.then((d) => reserved(a, estimate, d, limitSpan))
    : reserved(a, estimate, decision, limitSpan);
}

function reserved(
  a: Admission,
  estimate: TokenEstimate,
  decision: RateLimitDecision,
  limitSpan: Span,
): Promise<void> | undefined {
  const { exchange, deps } = a;
  const { control } = deps;
  if (exchange.recording) {
    limitSpan.setAttributes({
      'switchyard.rate_limit.result': decision.reason,
      'switchyard.rate_limit.reserved_tokens': decision.allowed ? estimate.total : 0,
      'switchyard.rate_limit.token_source': estimate.source,
    });
    if (decision.limitedBy) limitSpan.setAttribute('switchyard.rate_limit.rule', decision.limitedBy.rule);
    limitSpan.end();
  }
  for (const k in decision.headers) a.outgoing.setHeader(k, decision.headers[k]!);
  if (!decision.allowed) throw rateLimitRejection(decision, control.limiter);

  const used = () => tokensUsed(exchange, estimate);
  const { body } = a;
  exchange.onFinish(() => {
    void decision.reservation.settle(used());
    if (exchange.usage) control.observeUsage(body, exchange.usage.prompt_tokens);
  });

  const queueSpan = exchange.startChild(SpanName.queueWait, SpanKind.INTERNAL);
  const request: AdmitRequest = {
    model: a.model,
    tenant: exchange.tenant,
    priority: control.priorityOf(exchange.tenant),
    tokens: estimate.total,
    signal: a.signal,
  };
  const admitted = (ticket: Ticket) => {
    queueSpan.setAttribute(SwitchyardAttr.queueWaitMs, ticket.waitedMs);
    queueSpan.end();
    exchange.span.setAttribute(GenAiAttr.latencyTimeInQueue, ticket.waitedMs / 1000);
    exchange.onFinish(() => ticket.release(used()));
  };
  const now = control.queue.tryAdmit(request);
  if (now) {
    admitted(now);
    return undefined;
  }
  return control.queue.admit(request).then(admitted, (error: unknown) => {
    if (error instanceof AdmissionError) queueSpan.setAttribute('switchyard.queue.result', error.reason);
    queueSpan.end();
    if (!(error instanceof AdmissionError)) throw error;
    if (error.reason === 'cancelled') {
      throw new GatewayError(499, 'The client closed the request while it was queued.', {
        code: 'client_closed',
      });
    }
    throw admissionRejection(error);
  });
}

/** Tokens actually used: the engine's usage, else the prompt plus what was streamed before a disconnect. */
function tokensUsed(exchange: Exchange, estimate: TokenEstimate): number {
  const usage = exchange.usage;
  if (usage) return usage.prompt_tokens + (usage.completion_tokens ?? 0);
  return exchange.upstreamStarted ? estimate.promptTokens + exchange.tokenEvents : 0;
}

/** The leading prompt text, for prefix affinity. */
export function prefixOf(body: CountableBody): string {
  return promptParts(body).text.slice(0, 4096);
}

/** Picks an endpoint for one attempt; each attempt gets its own routing span with the endpoint and scores. */
export function routeRequest(
  exchange: Exchange,
  deps: ProxyDeps,
  request: RoutingRequest,
  exclude: ReadonlySet<string>,
): Pick | undefined {
  const picker = deps.control.pickerFor(request.model);
  const pick = picker.pick(request, deps.control.candidates(request.model), exclude);
  if (!exchange.recording) return pick;
  const span = exchange.startChild(SpanName.routing, SpanKind.INTERNAL);
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
