// A loopback HTTP proxy that answers the first N requests with a throttling error, then forwards to the
// real server: an honest way to see the SDK's retry strategy back off and retry against DynamoDB Local
// or versitygw.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a throttled request gets back. */
export interface ThrottleResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** DynamoDB's throttling answer (the JSON protocol's error shape). */
export const dynamodbThrottling: ThrottleResponse = {
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  }),
};

/** S3's throttling answer. */
export const s3SlowDown: ThrottleResponse = {
  status: 503,
  headers: { 'content-type': 'application/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};

/** A running proxy and what it saw. */
export interface ThrottlingProxy {
  url: string;
  /** Times at which each request arrived (ms since epoch), and whether it was throttled. */
  log: { at: number; throttled: boolean }[];
  /** Throttle the next `n` requests. */
  throttleNext(n: number): void;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port in front of `targetUrl`. */
export async function startThrottlingProxy(
  targetUrl: string,
  answer: ThrottleResponse,
): Promise<ThrottlingProxy> {
  const target = new URL(targetUrl);
  let remaining = 0;
  const log: ThrottlingProxy['log'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const throttled = remaining > 0;
      log.push({ at: Date.now(), throttled });
      if (throttled) {
        remaining--;
        res.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    throttleNext(n) {
      remaining = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
