/**
 * A scriptable fake engine at the HTTP boundary, for the gateway's unit tests: answers the OpenAI endpoints
 * the way vLLM does, and records what it received (headers, bodies, aborts). End-to-end suites use the
 * real simulator (`@switchyard/sim`) instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers; change fields between requests. */
export interface FakeBehavior {
  /** Content chunks per streamed response. */
  tokens: number;
  /** Delay between streamed chunks. */
  chunkDelayMs: number;
  /** Delay before response headers. */
  headerDelayMs: number;
  /** Answer every request with this status and an OpenAI error body. */
  failStatus?: number;
  /** With `failStatus`: send the headers and the start of the error body, then nothing (the body never ends). */
  failBodyHangs?: boolean;
  /** Answer with this status and a non-JSON body. */
  garbageStatus?: number;
  /** Stop sending (but keep the connection) after this many chunks. */
  hangAfterChunks?: number;
  /** Destroy the socket after this many chunks. */
  resetAfterChunks?: number;
}

/** One request the fake received. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A running fake engine. */
export interface FakeEngine {
  url: string;
  behavior: FakeBehavior;
  received: ReceivedRequest[];
  /** Requests whose client went away before the response ended. */
  aborted: number;
  /** Chunks written per streamed request, in order. */
  chunksSent: number[];
  /** Resolves when the next request is aborted by its client. */
  nextAbort(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a fake engine on a free loopback port. */
export async function startFakeEngine(
  model = 'test-model',
  behavior: Partial<FakeBehavior> = {},
): Promise<FakeEngine> {
  const abortWaiters: Array<() => void> = [];
  const engine: FakeEngine = {
    url: '',
    behavior: { tokens: 5, chunkDelayMs: 0, headerDelayMs: 0, ...behavior },
    received: [],
    aborted: 0,
    chunksSent: [],
    nextAbort: () => new Promise((resolve) => abortWaiters.push(resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length
      ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>)
      : {};
    engine.received.push({ path: req.url ?? '', headers: req.headers, body });
    let finished = false;
    res.on('close', () => {
      if (!finished && !res.writableFinished) {
        engine.aborted++;
        for (const wake of abortWaiters.splice(0)) wake();
      }
    });
    await answer(engine.behavior, req, res, body, model, engine);
    finished = true;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  engine.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return engine;
}

async function answer(
  b: FakeBehavior,
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  model: string,
  engine: FakeEngine,
): Promise<void> {
  if (b.headerDelayMs) await sleep(b.headerDelayMs);
  if (b.failStatus) {
    const error = {
      message: `fake failure ${b.failStatus}`,
      type: 'BadRequestError',
      param: null,
      code: b.failStatus,
    };
    const json = JSON.stringify({ error });
    res.writeHead(b.failStatus, { 'content-type': 'application/json' });
    if (!b.failBodyHangs) {
      res.end(json);
      return;
    }
    res.write(json.slice(0, 10));
    await new Promise((resolve) => res.on('close', resolve)); // unfinished until the gateway lets go
    return;
  }
  if (b.garbageStatus) {
    res.writeHead(b.garbageStatus, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
    return;
  }
  const id = `cmpl-${engine.received.length}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: 7, completion_tokens: b.tokens, total_tokens: 7 + b.tokens };
  if (req.url === '/v1/embeddings') {
    const embedding = Array.from({ length: 8 }, (_, i) => i / 8);
    const json = {
      object: 'list',
      model,
      data: [{ object: 'embedding', index: 0, embedding }],
      usage: { prompt_tokens: 7, total_tokens: 7 },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    return;
  }
  const chat = req.url === '/v1/chat/completions';
  const object = chat ? 'chat.completion' : 'text_completion';
  if (body.stream !== true) {
    const text = Array.from({ length: b.tokens }, (_, i) => `t${i} `).join('');
    const choice = chat
      ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'length' }
      : { index: 0, text, finish_reason: 'length' };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object, created, model, choices: [choice], usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders(); // as vLLM (uvicorn) and the simulator do: headers before the first event
  const chunkObject = chat ? 'chat.completion.chunk' : 'text_completion';
  const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
  let sent = 0;
  if (chat)
    send({
      id,
      object: chunkObject,
      created,
      model,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' } }],
    });
  for (let i = 0; i < b.tokens; i++) {
    if (b.hangAfterChunks !== undefined && sent >= b.hangAfterChunks) return; // never ends
    if (b.resetAfterChunks !== undefined && sent >= b.resetAfterChunks) {
      res.socket?.destroy();
      return;
    }
    if (b.chunkDelayMs) await sleep(b.chunkDelayMs);
    if (res.destroyed) return;
    const last = i === b.tokens - 1;
    const choice = chat
      ? { index: 0, delta: { content: `t${i} ` }, finish_reason: last ? 'length' : null }
      : { index: 0, text: `t${i} `, finish_reason: last ? 'length' : null };
    send({ id, object: chunkObject, created, model, choices: [choice] });
    sent++;
    engine.chunksSent.push(sent);
  }
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) send({ id, object: chunkObject, created, model, choices: [], usage });
  res.end('data: [DONE]\n\n');
}
