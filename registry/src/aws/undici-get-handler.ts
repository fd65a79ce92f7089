// The S3 client's HTTP handler: GET requests (object downloads) go through undici, every other request
// through the SDK's own node:http handler. Why: node:http's parser copies every body chunk the socket
// hands over into a new buffer, so each 64 KiB read costs two external allocations, and that churn makes
// V8 run a full mark-compact of the SDK-sized heap every ~64 MiB received. undici hands over slices of
// the socket's reads instead. Measured on the bench's 2 GiB fetch (ADR 0008): about half the client CPU
// of the same download through node:http. Uploads stay on node:http: sending a buffer costs it no
// per-chunk allocation, and routing PUTs and parts through undici (with the client's
// `expectContinueHeader: false`, since undici refuses `Expect: 100-continue`) measured no less client
// CPU for publish, 0.05–0.08 s more per 512 MiB, the same within noise at 2 GiB (ADR 0008).
import { buildQueryString, type HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions } from '@smithy/types';
import { Agent, type Dispatcher, errors } from 'undici';

/** The origin and path (with query) undici is asked for. */
export function undiciTarget(request: HttpRequest): { origin: string; path: string } {
  const port = request.port ? `:${request.port}` : '';
  const query = request.query ? buildQueryString(request.query) : '';
  return {
    origin: `${request.protocol}//${request.hostname}${port}`,
    path: `${request.path}${query ? `?${query}` : ''}`,
  };
}

/** Header values as the SDK expects them: one string per name (repeated headers joined, as node:http does). */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

/**
 * undici's connection failures in the terms the SDK's retry strategy knows (it retries `TimeoutError`s
 * and ECONNRESET-like codes, as node:http reports them), so a GET is retried exactly as it was before.
 */
export function asSdkNetworkError(error: unknown): unknown {
  if (error instanceof errors.ConnectTimeoutError || error instanceof errors.HeadersTimeoutError) {
    return Object.assign(error, { name: 'TimeoutError' });
  }
  if (error instanceof errors.SocketError) return Object.assign(error, { code: 'ECONNRESET' });
  return error;
}

/** What the SDK's client calls on its handler (the smithy `HttpHandler` shape). */
export class UndiciGetHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly #others: NodeHttpHandler;
  readonly #agent: Dispatcher;

  constructor(agent: Dispatcher = new Agent(), others: NodeHttpHandler = new NodeHttpHandler()) {
    this.#agent = agent;
    this.#others = others;
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    if (request.method !== 'GET' || request.body !== undefined) return this.#others.handle(request, options);
    const { abortSignal, requestTimeout } = options;
    try {
      const response = await this.#agent.request({
        ...undiciTarget(request),
        method: 'GET',
        headers: request.headers,
        signal: (abortSignal as AbortSignal | undefined) ?? null,
        ...(requestTimeout ? { headersTimeout: requestTimeout } : {}),
      });
      return {
        response: new HttpResponse({
          statusCode: response.statusCode,
          headers: flatHeaders(response.headers),
          body: response.body,
        }),
      };
    } catch (error) {
      throw asSdkNetworkError(error);
    }
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.#others.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs() {
    return this.#others.httpHandlerConfigs();
  }

  destroy(): void {
    this.#others.destroy();
    void this.#agent.destroy();
  }
}
