/**
 * Writing upstream responses to the client: whole JSON bodies, SSE streams chunk by chunk with backpressure,
 * and upstream error bodies. Each path ends the exchange and releases the endpoint exactly once.
 */
import type { ServerResponse } from 'node:http';
import { GatewayError } from '../errors.ts';
import type { Exchange } from './exchange.ts';
import { SseRelay, sseErrorEvent } from './sse-relay.ts';
import { classifyUpstreamError, type UpstreamResponse } from './upstream.ts';
import { extractUsageFromBuffer } from './usage.ts';
import type { WriteBatch } from './write-batch.ts';

/** What a relay step works on. */
export interface RelayContext {
  exchange: Exchange;
  outgoing: ServerResponse;
  response: UpstreamResponse;
  requestId: string;
  /** Where the response's writes go: at once, or with the others at the end of this turn. */
  writes: WriteBatch;
  /** Releases the endpoint and closes the upstream span; call once. */
  release: (status: number, reason?: string) => void;
}

/** The status a request ends with when its client left first (nginx's 499). */
export const CLIENT_CLOSED = 499;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * How a relay that can still fail before its first byte reports: with nothing once the response is written,
 * or with the failure (nothing has been written then: the caller renders it, unless the client is gone).
 */
export type RelayDone = (failure?: GatewayError) => void;

/** Relays a complete JSON response, reading usage from it. */
export function relayJson(ctx: RelayContext, done: RelayDone): void {
  ctx.response.body.collect((error, payload) => {
    if (error || !payload) {
      bodyFailed(ctx, error, done);
      return;
    }
    const { exchange, response } = ctx;
    // The client first (now, or with this turn's batch); the accounting (usage, the endpoint's release,
    // metrics, spans) is not on its clock.
    endJson(ctx, response.statusCode, payload);
    exchange.usage = extractUsageFromBuffer(payload);
    ctx.release(response.statusCode);
    exchange.finish(response.statusCode);
    done();
  });
}

/** Relays an engine error response: OpenAI-shaped bodies pass through, anything else becomes a 502. */
export function relayUpstreamError(ctx: RelayContext, done: RelayDone): void {
  ctx.response.body.collect((error, payload) => {
    if (error || !payload) {
      bodyFailed(ctx, error, done);
      return;
    }
    const { exchange, response } = ctx;
    let code: string | null = 'upstream_error';
    let parsed: { error?: { code?: unknown } } | undefined;
    try {
      parsed = JSON.parse(payload.toString('utf8')) as { error?: { code?: unknown } };
    } catch {
      parsed = undefined;
    }
    ctx.release(response.statusCode, `status_${response.statusCode}`);
    if (!parsed?.error) {
      done(
        new GatewayError(502, `The model server answered ${response.statusCode} without an error body.`, {
          type: 'server_error',
          code: 'upstream_bad_response',
        }),
      );
      return;
    }
    if (parsed.error.code !== undefined && parsed.error.code !== null) code = String(parsed.error.code);
    const retryAfter = response.headers['retry-after'];
    endJson(ctx, response.statusCode, payload, typeof retryAfter === 'string' ? retryAfter : undefined);
    exchange.finish(response.statusCode, code);
    done();
  }, MAX_ERROR_BODY);
}

/**
 * A whole body that did not arrive (the engine failed mid-body, or the client's disconnect aborted it):
 * releases the endpoint and hands the failure back. Nothing has been written, so the caller renders it, or
 * ends the request as the client's doing when the client is gone.
 */
function bodyFailed(ctx: RelayContext, error: Error | undefined, done: RelayDone): void {
  const failure = classifyUpstreamError(error);
  ctx.release(failure.status, failure.reason);
  done(failure);
}

/** Writes a whole JSON body: its length, the request id and, when the engine gave one, its `retry-after`. */
function endJson(ctx: RelayContext, status: number, payload: Buffer, retryAfter?: string): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': payload.length,
    'x-request-id': ctx.requestId,
  };
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  const outgoing = ctx.outgoing;
  ctx.writes.run(outgoing, () => {
    outgoing.writeHead(status, headers);
    outgoing.end(payload);
  });
}

/** Relays an SSE stream event by event, honouring the client's backpressure. Returns at once. */
export function relayStream(ctx: RelayContext, stripUsage: boolean): void {
  const { exchange, outgoing, response, writes } = ctx;
  const body = response.body;
  const relay = new SseRelay(stripUsage, {
    onTokens: (count) => exchange.markTokens(count),
    onUsage: (usage) => {
      exchange.usage = usage;
    },
  });
  outgoing.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': ctx.requestId,
  });
  // The headers go out with the first events when those are already here (they often share the engine's
  // first packet, read in this same turn); otherwise on their own once this turn's callbacks are done, so a
  // client waiting for a slow first token still sees the 200 at once. One write and one client wake-up
  // fewer per stream.
  let wrote = false;
  process.nextTick(() => {
    if (!wrote && !outgoing.destroyed) outgoing.flushHeaders();
  });
  const onDrain = () => body.resume();
  outgoing.on('drain', onDrain);
  body.on('data', (chunk: Buffer) => {
    const out = relay.push(chunk);
    if (!out) return;
    wrote = true;
    // Backpressure is read when the write happens: a batched chunk pauses the engine's body a turn later.
    writes.run(outgoing, () => {
      if (!outgoing.write(out)) body.pause();
    });
  });
  body.on('end', () => {
    const rest = relay.flush();
    outgoing.off('drain', onDrain);
    writes.run(outgoing, () => outgoing.end(rest));
    ctx.release(200);
    exchange.finish(200);
  });
  body.on('error', (error: Error) => {
    outgoing.off('drain', onDrain);
    const failure = classifyUpstreamError(error);
    ctx.release(failure.status, failure.reason);
    if (failure.reason === 'aborted' || outgoing.destroyed) {
      exchange.finish(CLIENT_CLOSED, 'client_closed');
      return;
    }
    // Headers are gone: end the stream with an error event rather than a silent hang or a cut.
    const event = sseErrorEvent(failure.message, failure.type, failure.code);
    writes.run(outgoing, () => outgoing.end(event));
    exchange.finish(failure.status, failure.code);
  });
}
