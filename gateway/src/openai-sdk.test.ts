/** The official OpenAI SDK against the gateway, unchanged: every endpoint, streaming and not. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from './testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from './testing/harness.ts';

let engine: FakeEngine;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  engine = await startFakeEngine('test-model', { tokens: 4 });
  gateway = await startTestGateway({ endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }] });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.shutdown(1000);
  await engine.close();
});

describe('OpenAI SDK through the gateway', () => {
  it('lists the models the gateway can serve', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['test-model']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'switchyard' });
  });

  it('answers a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 4,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('t0 t1 t2 t3 ');
    expect(completion.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
  });

  it('streams a chat completion', async () => {
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('t0 t1 t2 t3 ');
  });

  it('answers and streams a text completion', async () => {
    const completion = await client.completions.create({ model: 'test-model', prompt: 'once upon' });
    expect(completion.choices[0]?.text).toBe('t0 t1 t2 t3 ');
    const stream = await client.completions.create({
      model: 'test-model',
      prompt: 'once upon',
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('t0 t1 t2 t3 ');
  });

  it('answers embeddings', async () => {
    const result = await client.embeddings.create({
      model: 'test-model',
      input: 'hello',
      encoding_format: 'float',
    });
    expect(result.data[0]?.embedding).toHaveLength(8);
    expect(result.usage.prompt_tokens).toBe(7);
  });

  it('passes vLLM extension parameters through untouched', async () => {
    await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      // @ts-expect-error vLLM extensions are not in the SDK's types
      top_k: 7,
      guided_json: { type: 'object' },
    });
    const last = engine.received.at(-1);
    expect(last?.body).toMatchObject({ top_k: 7, guided_json: { type: 'object' } });
  });
});
