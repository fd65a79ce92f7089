/** Streaming relay: no buffering, usage-chunk handling both ways, disconnects abort upstream. */
import { once } from 'node:events';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from './testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from './testing/harness.ts';

let engine: FakeEngine;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  engine = await startFakeEngine('test-model');
  gateway = await startTestGateway({ endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }] });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.shutdown(1000);
  await engine.close();
});
beforeEach(() => {
  engine.behavior = { tokens: 5, chunkDelayMs: 0, headerDelayMs: 0 };
  engine.chunksSent = [];
});

const metricValue = async (name: string, labels: string) => {
  const text = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe('streaming', () => {
  it('delivers the first chunk before the engine has sent the last one', async () => {
    engine.behavior.tokens = 10;
    engine.behavior.chunkDelayMs = 40;
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let sentWhenFirstSeen: number | undefined;
    for await (const chunk of stream) {
      if (sentWhenFirstSeen === undefined && chunk.choices[0]?.delta.content) {
        sentWhenFirstSeen = engine.chunksSent.length;
      }
    }
    expect(sentWhenFirstSeen).toBeGreaterThan(0);
    expect(sentWhenFirstSeen).toBeLessThan(10);
  });

  it('relays streams without buffering and bodies whole while other requests are in flight (writes batched per turn)', async () => {
    engine.behavior.tokens = 10;
    engine.behavior.chunkDelayMs = 40;
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const whole = Array.from({ length: 10 }, (_, i) => `t${i} `).join('');
    const streamOne = async () => {
      const stream = await client.chat.completions.create({ model: 'test-model', messages, stream: true });
      let sentWhenFirstSeen: number | undefined;
      let text = '';
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (!content) continue;
        sentWhenFirstSeen ??= engine.chunksSent.length;
        text += content;
      }
      return { sentWhenFirstSeen, text };
    };
    const [a, b, json] = await Promise.all([
      streamOne(),
      streamOne(),
      client.chat.completions.create({ model: 'test-model', messages }),
    ]);
    // 20 content chunks in all: each stream saw its first while most of both were still to come.
    for (const stream of [a, b]) {
      expect(stream.text).toBe(whole);
      expect(stream.sentWhenFirstSeen).toBeGreaterThan(0);
      expect(stream.sentWhenFirstSeen).toBeLessThan(10);
    }
    expect(json.choices[0]?.message.content).toBe(whole);
    expect(json.usage?.completion_tokens).toBe(10);
  });

  it('sends the response headers at once when the first token is slow', async () => {
    engine.behavior.tokens = 2;
    engine.behavior.chunkDelayMs = 3000;
    const response = await fetch(`${gateway.baseURL}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', prompt: 'hi', stream: true }),
    });
    // Ordering, not a wall-clock margin: without the flush the headers come with the first event, which the
    // engine sends only 3 s after its own headers.
    const chunksAtHeaders = engine.chunksSent.length;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(chunksAtHeaders).toBe(0);
    const aborted = engine.nextAbort();
    await response.body!.cancel();
    await aborted; // the engine's request is gone before the next test resets its counters
  }, 15_000);

  it('asks the engine for usage, counts the tokens, and hides the usage chunk from a client that did not ask', async () => {
    const before = await metricValue('llm_tokens_processed_total', 'kind="completion"');
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(engine.received.at(-1)?.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(await metricValue('llm_tokens_processed_total', 'kind="completion"')).toBe(before + 5);
  });

  it('passes the usage chunk to a client that asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const usage = chunks.find((c) => c.usage)?.usage;
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 5 });
  });

  it('aborts the upstream request when a streaming client disconnects', async () => {
    engine.behavior.tokens = 200;
    engine.behavior.chunkDelayMs = 20;
    const abortsBefore = await metricValue('llm_client_aborts_total', 'phase="streaming"');
    const controller = new AbortController();
    const aborted = engine.nextAbort();
    const stream = await client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const _ of stream) {
        if (++seen === 3) controller.abort();
      }
    } catch {
      // the SDK throws an abort error
    }
    await aborted;
    expect(engine.chunksSent.length).toBeLessThan(200);
    await expect
      .poll(() => metricValue('llm_client_aborts_total', 'phase="streaming"'))
      .toBe(abortsBefore + 1);
  });

  it('aborts the upstream request when a non-streaming client disconnects, and counts the request as closed by the client', async () => {
    engine.behavior.headerDelayMs = 300;
    const closedBefore = await metricValue('llm_errors_total', 'code="client_closed"');
    const controller = new AbortController();
    const aborted = engine.nextAbort();
    const request = client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(request).rejects.toThrow();
    await aborted;
    expect(engine.aborted).toBeGreaterThan(0);
    await expect.poll(() => metricValue('llm_errors_total', 'code="client_closed"')).toBe(closedBefore + 1);
    expect(await metricValue('llm_errors_total', 'code="upstream_aborted"')).toBe(0);
  });

  it('counts a client that leaves while its request body is still arriving as gone, and logs no error', async () => {
    const closed = 'model="unknown",status="499",code="client_closed"';
    const aborts = 'model="unknown",phase="before_response"';
    const closedBefore = await metricValue('llm_errors_total', closed);
    const abortsBefore = await metricValue('llm_client_aborts_total', aborts);
    const received = engine.received.length;
    const logsBefore = gateway.logLines.length;
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n' +
        'content-length: 1000\r\n\r\n{"model":"test-model","messages":[',
    );
    await expect.poll(() => gateway.inflight.count).toBe(1); // the gateway is reading the body
    socket.destroy();
    await expect.poll(() => metricValue('llm_errors_total', closed)).toBe(closedBefore + 1);
    expect(await metricValue('llm_client_aborts_total', aborts)).toBe(abortsBefore + 1);
    // The engine saw no request (only, perhaps, the gateway's scrape of its /metrics).
    expect(engine.received.slice(received).filter((r) => r.path.startsWith('/v1/'))).toEqual([]);
    const errors = gateway.logLines
      .slice(logsBefore)
      .filter((line) => ['error', 'fatal'].includes(JSON.parse(line).level));
    expect(errors).toEqual([]);
  });

  it('counts a client that leaves while an engine error body arrives as gone, not as an upstream failure', async () => {
    engine.behavior.failStatus = 500;
    engine.behavior.failBodyHangs = true;
    const closedBefore = await metricValue('llm_errors_total', 'code="client_closed"');
    const upstreamBefore = await metricValue('llm_errors_total', 'code="upstream_aborted"');
    const controller = new AbortController();
    const aborted = engine.nextAbort();
    const request = fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(request).rejects.toThrow();
    await aborted;
    await expect.poll(() => metricValue('llm_errors_total', 'code="client_closed"')).toBe(closedBefore + 1);
    expect(await metricValue('llm_errors_total', 'code="upstream_aborted"')).toBe(upstreamBefore);
  });

  it('ends a stream whose engine goes silent with an error event instead of hanging', async () => {
    const quick = await startTestGateway({
      endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }],
      upstream: { idleTimeoutMs: 200 },
    });
    try {
      engine.behavior.tokens = 10;
      engine.behavior.hangAfterChunks = 2;
      const sdk = new OpenAI({ baseURL: quick.baseURL, apiKey: 'unused', maxRetries: 0 });
      const stream = await sdk.chat.completions.create({
        model: 'test-model',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      let text = '';
      const consume = async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      };
      await expect(consume()).rejects.toThrow(/stopped sending/);
      expect(text).toBe('t0 t1 ');
    } finally {
      await quick.shutdown(500);
    }
  });
});
