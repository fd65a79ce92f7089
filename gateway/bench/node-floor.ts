/**
 * The floor under any Node proxy on this machine, for `bench:gateway`: node:http in, undici `dispatch` out,
 * and nothing else — no validation, auth, limits, routing, metrics or tracing. What it costs per request is what Node's
 * HTTP server and client cost; the gateway's own work is the difference between its row and this one.
 * Bench-only: never a way to serve. Prints `{"port": N}` when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';

const { values } = parseArgs({ options: { upstream: { type: 'string' } } });
const origin = `http://127.0.0.1:${values.upstream}`;
const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    // undici's dispatch with a handler of its own, as the gateway's upstream client does (no Readable body).
    agent.dispatch(
      {
        origin,
        path: req.url ?? '/',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      },
      {
        onRequestStart() {},
        onResponseStart(_controller, statusCode, headers) {
          res.writeHead(statusCode, { 'content-type': String(headers['content-type']) });
        },
        onResponseData(_controller, chunk) {
          res.write(chunk);
        },
        onResponseEnd() {
          res.end();
        },
        onResponseError() {
          if (!res.headersSent) res.writeHead(502);
          res.end();
        },
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
