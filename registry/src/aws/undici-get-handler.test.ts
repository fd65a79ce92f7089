// UndiciGetHandler against a loopback HTTP server: GETs go through undici with the signed request as built,
// everything else through the SDK's handler, and undici's failures come back in terms the SDK retries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { isTransientError } from '@smithy/core/retry';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { UndiciGetHandler } from './undici-get-handler.ts';

let server: Server | undefined;
let handler: UndiciGetHandler | undefined;
afterEach(async () => {
  handler?.destroy();
  handler = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function listen(onRequest: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  server = createServer(onRequest);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Stands in for the SDK's node:http handler and records what reaches it. */
function recordingFallback() {
  const seen: string[] = [];
  const fallback = {
    async handle(request: HttpRequest) {
      seen.push(request.method);
      return { response: new HttpResponse({ statusCode: 204, headers: {} }) };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return { seen, fallback: fallback as unknown as NodeHttpHandler };
}

const get = (port: number, extra: Partial<HttpRequest> = {}) =>
  new HttpRequest({
    method: 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: '/bucket/models/a%20b.bin',
    headers: {},
    ...extra,
  });

describe('UndiciGetHandler', () => {
  it('sends a GET as signed (path, query, headers) and hands the body over as a stream', async () => {
    const received: { method?: string; url?: string; headers?: IncomingMessage['headers'] } = {};
    const port = await listen((req, res) => {
      Object.assign(received, { method: req.method, url: req.url, headers: req.headers });
      res.setHeader('x-amz-meta-tag', ['one', 'two']);
      res.setHeader('content-type', 'application/octet-stream');
      res.end('the object bytes');
    });
    const { seen, fallback } = recordingFallback();
    handler = new UndiciGetHandler(undefined, fallback);
    const { response } = await handler.handle(
      get(port, {
        query: { 'x-id': 'GetObject', versionId: 'v 1' },
        headers: { range: 'bytes=0-15', authorization: 'AWS4-HMAC-SHA256 signed' },
      }),
    );
    expect(seen).toEqual([]);
    expect(received.method).toBe('GET');
    expect(received.url).toBe('/bucket/models/a%20b.bin?versionId=v%201&x-id=GetObject');
    expect(received.headers).toMatchObject({ range: 'bytes=0-15', authorization: 'AWS4-HMAC-SHA256 signed' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-amz-meta-tag']).toBe('one,two');
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(await text(response.body)).toBe('the object bytes');
  });

  it('hands an error answer to the SDK unchanged (status, headers, XML body)', async () => {
    const port = await listen((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end('<Error><Code>NoSuchKey</Code></Error>');
    });
    handler = new UndiciGetHandler(undefined, recordingFallback().fallback);
    const { response } = await handler.handle(get(port));
    expect(response.statusCode).toBe(404);
    expect(await text(response.body)).toContain('<Code>NoSuchKey</Code>');
  });

  it('passes every other request (uploads, HEAD, DELETE) to the SDK handler', async () => {
    const { seen, fallback } = recordingFallback();
    handler = new UndiciGetHandler(undefined, fallback);
    for (const method of ['PUT', 'HEAD', 'DELETE', 'POST']) {
      await handler.handle(get(1, { method, body: method === 'PUT' ? Buffer.from('x') : undefined }));
    }
    expect(seen).toEqual(['PUT', 'HEAD', 'DELETE', 'POST']);
  });

  it('reports a connection dropped before the answer as a failure the SDK retries', async () => {
    const port = await listen((req) => req.socket.destroy());
    handler = new UndiciGetHandler(undefined, recordingFallback().fallback);
    const error = await handler.handle(get(port)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(isTransientError(error as Parameters<typeof isTransientError>[0])).toBe(true);
  });

  it("stops at the caller's abort signal with an AbortError the SDK does not retry", async () => {
    const port = await listen(() => {}); // never answers
    handler = new UndiciGetHandler(undefined, recordingFallback().fallback);
    const controller = new AbortController();
    const pending = handler.handle(get(port), { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(isTransientError(error as Parameters<typeof isTransientError>[0])).toBe(false);
  });
});
