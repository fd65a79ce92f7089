/**
 * A zero-delay OpenAI-shaped upstream for the proxy benchmark, run as its own process: a 230-byte chat
 * completion, or a short SSE stream (chunks written at once, or every `--interval-ms`).
 * Prints `{"port": N}` on stdout when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    chunks: { type: 'string', default: '8' },
    'interval-ms': { type: 'string', default: '0' },
  },
});
const chunks = Number(values.chunks);
const intervalMs = Number(values['interval-ms']);

const completion = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1700000000,
    model: 'bench',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  }),
);
const event = (i: number) =>
  `data: {"id":"c","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{"content":"t${i} "}}]}\n\n`;
const usage =
  'data: {"id":"c","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":8,"total_tokens":13}}\n\n';
const burst = Buffer.from(
  `${Array.from({ length: chunks }, (_, i) => event(i)).join('')}${usage}data: [DONE]\n\n`,
);

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => {
    body += c;
  });
  req.on('end', () => {
    if (!body.includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': completion.length });
      res.end(completion);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (intervalMs === 0) {
      res.end(burst);
      return;
    }
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      if (i < chunks) {
        res.write(event(i++));
        return;
      }
      clearInterval(timer);
      res.end(`${usage}data: [DONE]\n\n`);
    }, intervalMs);
  });
});
server.keepAliveTimeout = 65_000;
// A large accept queue: a proxy opening ~1,000 upstream connections at once must not have SYNs dropped.
server.listen({ port: Number(values.port), host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
