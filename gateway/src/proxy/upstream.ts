/**
 * Upstream calls to engine endpoints over undici, with keep-alive pools and the three timeouts
 * (connect, first byte, idle between chunks). Failures become GatewayErrors with the status the
 * client should see and a `reason` for metrics.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher, errors } from 'undici';
import { GatewayError } from '../errors.ts';
import type { AbortLike } from './request-abort.ts';
import { UpstreamBody } from './upstream-body.ts';

/** Upstream timeouts and pool size. */
export interface UpstreamOptions {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  connectionsPerEndpoint: number;
}

/** A response from an endpoint, body not yet read. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** Why an upstream call failed, for metrics and retry decisions. */
export type UpstreamFailure =
  | 'connect'
  | 'connect_timeout'
  | 'first_byte_timeout'
  | 'idle_timeout'
  | 'reset'
  | 'aborted';

/** A GatewayError raised by an upstream failure. */
export class UpstreamError extends GatewayError {
  override name = 'UpstreamError';
  readonly reason: UpstreamFailure;
  constructor(status: number, message: string, reason: UpstreamFailure, cause: unknown) {
    super(status, message, {
      type: status === 504 ? 'timeout' : 'service_unavailable',
      code: `upstream_${reason}`,
      cause,
    });
    this.reason = reason;
  }
}

/** Maps an undici/network error to an UpstreamError. */
export function classifyUpstreamError(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: string }).code;
  if (error instanceof errors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamError(504, 'Timed out connecting to the model server.', 'connect_timeout', error);
  }
  if (error instanceof errors.HeadersTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new UpstreamError(
      504,
      'The model server did not start answering in time.',
      'first_byte_timeout',
      error,
    );
  }
  if (error instanceof errors.BodyTimeoutError || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamError(504, 'The model server stopped sending data.', 'idle_timeout', error);
  }
  if ((error as Error)?.name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return new UpstreamError(499, 'The request was cancelled.', 'aborted', error);
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    if (code !== 'ECONNRESET') {
      return new UpstreamError(502, 'Could not connect to the model server.', 'connect', error);
    }
  }
  return new UpstreamError(502, 'The connection to the model server failed.', 'reset', error);
}

/** Where an upstream call reports, once: a response (headers in, body unread) or a failure before one. */
export interface UpstreamSink {
  onUpstreamResponse(response: UpstreamResponse): void;
  onUpstreamError(error: UpstreamError): void;
}

/** The undici client the proxy uses for every endpoint. */
export class UpstreamClient {
  readonly #agent: Agent;
  readonly #options: UpstreamOptions;

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.#agent = new Agent({
      connections: options.connectionsPerEndpoint,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: options.connectTimeoutMs, noDelay: true },
      headersTimeout: options.firstByteTimeoutMs,
      bodyTimeout: options.idleTimeoutMs,
    });
  }

  /**
   * Sends a request and reports to `sink` once: the response at its headers (body unread), or an
   * UpstreamError before one. Uses undici's `dispatch` with a handler of our own rather than `request()`:
   * the body goes to an `UpstreamBody`, not a `Readable`, and neither the call nor aborting it needs a promise
   * or an async resource.
   */
  dispatch(
    origin: string,
    path: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body: Buffer | undefined,
    signal: AbortLike,
    sink: UpstreamSink,
  ): void {
    if (signal.aborted) {
      sink.onUpstreamError(classifyUpstreamError(new errors.RequestAbortedError()));
      return;
    }
    this.#agent.dispatch(
      {
        origin,
        path,
        method,
        headers,
        body: body ?? null,
        headersTimeout: this.#options.firstByteTimeoutMs,
        bodyTimeout: this.#options.idleTimeoutMs,
      },
      new ResponseHandler(sink, signal),
    );
  }

  /** Closes every pooled connection. */
  close(): Promise<void> {
    return this.#agent.close();
  }
}

type Controller = Dispatcher.DispatchController;

/** undici dispatch handler: reports the headers, then feeds the body; the client's abort signal cancels. */
class ResponseHandler implements Dispatcher.DispatchHandler {
  /** Until the response or a failure is reported. */
  #sink: UpstreamSink | undefined;
  readonly #signal: AbortLike;
  #controller: Controller | undefined;
  #body: UpstreamBody | undefined;
  #aborted = false;

  constructor(sink: UpstreamSink, signal: AbortLike) {
    this.#sink = sink;
    this.#signal = signal;
    signal.addEventListener('abort', this, { once: true });
  }

  /** The abort signal's listener (an object listener: no closure per request). */
  handleEvent(): void {
    this.#aborted = true;
    this.#controller?.abort(new errors.RequestAbortedError());
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.#aborted) controller.abort(new errors.RequestAbortedError());
  }

  onResponseStart(controller: Controller, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return;
    const body = new UpstreamBody(controller);
    this.#body = body;
    const sink = this.#sink;
    this.#sink = undefined;
    sink?.onUpstreamResponse({ statusCode, headers, body });
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#body && !this.#body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#signal.removeEventListener('abort', this);
    this.#body?.end();
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.#signal.removeEventListener('abort', this);
    const sink = this.#sink;
    if (sink) {
      this.#sink = undefined;
      sink.onUpstreamError(classifyUpstreamError(error));
      return;
    }
    this.#body?.fail(error);
  }
}
