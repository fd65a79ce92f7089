/** Graceful shutdown: `/readyz` turns 503, new work is refused, a stream in flight finishes. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from './testing/fake-engine.ts';
import { startTestGateway } from './testing/harness.ts';

let engine: FakeEngine;
beforeAll(async () => {
  engine = await startFakeEngine('test-model', { tokens: 15, chunkDelayMs: 30 });
});
afterAll(() => engine.close());

describe('graceful drain', () => {
  it('lets an in-flight stream finish while refusing new requests', async () => {
    const gateway = await startTestGateway({
      endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }],
    });
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();

    const shutdown = gateway.shutdown(5000);
    expect((await fetch(`${gateway.adminUrl}/readyz`)).status).toBe(503);

    let text = '';
    for (let r = await iterator.next(); !r.done; r = await iterator.next())
      text += r.value.choices[0]?.delta.content ?? '';
    expect(text.trim().split(' ')).toHaveLength(15);
    await expect(shutdown).resolves.toEqual({ drained: true });
    await expect(fetch(`${gateway.url}/v1/models`)).rejects.toThrow();
  });

  it('gives up on work still running at the deadline', async () => {
    const gateway = await startTestGateway({
      endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }],
    });
    engine.behavior.hangAfterChunks = 1;
    try {
      const response = await fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'test-model',
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        }),
      });
      expect(response.status).toBe(200);
      await expect(gateway.shutdown(200)).resolves.toEqual({ drained: false });
    } finally {
      engine.behavior.hangAfterChunks = undefined;
    }
  });
});
