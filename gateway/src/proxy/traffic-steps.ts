/**
 * The traffic-control steps of the proxy handler before an upstream attempt: rate limit and admission
 * (`admitRequest`), and routing one attempt (`routeRequest`), each in its own span.
 */
import type { ServerResponse } from 'node:http';
import { SpanKind } from '@opentelemetry/api';
import { GenAiAttr, SpanName, SwitchyardAttr } from '@switchyard/api';
import { AdmissionError } from '../admission/errors.ts';
import { GatewayError } from '../errors.ts';
import type { CountableBody } from '../ratelimit/estimate.ts';
import { promptParts } from '../ratelimit/estimate.ts';
import type { Pick, RoutingRequest } from '../routing/types.ts';
import { admissionRejection, rateLimitRejection } from './control-errors.ts';
import type { Exchange } from './exchange.ts';
import type { ProxyDeps } from './handler.ts';
import type { AbortLike } from './request-abort.ts';

/**
 * Rate limit, then admission: reserves tokens (429 when over a limit), waits for a queue slot (503/429 on
 * overflow or deadline), and arranges settlement and release when the exchange finishes, however it ends.
 */
export async function admitRequest(
  exchange: Exchange,
  deps: ProxyDeps,
  body: CountableBody & { model: string },
  model: string,
  keyId: string,
  signal: AbortLike,
  outgoing: ServerResponse,
): Promise<void> {
  const { control } = deps;
  const estimate = await control.estimateTokens(model, body);
  const limitSpan = exchange.startChild(SpanName.rateLimit, SpanKind.INTERNAL);
  const decision = await control.limiter.reserve(
    { apiKey: keyId, tenant: exchange.tenant, model },
    estimate.total,
  );
  if (exchange.recording) {
    limitSpan.setAttributes({
      'switchyard.rate_limit.result': decision.reason,
      'switchyard.rate_limit.reserved_tokens': decision.allowed ? estimate.total : 0,
      'switchyard.rate_limit.token_source': estimate.source,
    });
    if (decision.limitedBy) limitSpan.setAttribute('switchyard.rate_limit.rule', decision.limitedBy.rule);
    limitSpan.end();
  }
  for (const k in decision.headers) outgoing.setHeader(k, decision.headers[k]!);
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

  const queueSpan = exchange.startChild(SpanName.queueWait, SpanKind.INTERNAL);
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
