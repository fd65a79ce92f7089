/** End to end with the real vLLM simulator behind the gateway: the SDK works unchanged, load spreads over replicas. */
import { startSimulator } from '@switchyard/sim';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/harness.ts';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sims: Sim[];
let gateway: TestGateway;
let client: OpenAI;
const model = 'mistral-7b-instruct';

beforeAll(async () => {
  sims = await Promise.all(
    [0, 1].map(() =>
      startSimulator({ servedModelName: model, port: 0, timeScale: 20, profile: 'mistral-7b-h100' }),
    ),
  );
  gateway = await startTestGateway({
    endpoints: sims.map((s, i) => ({ id: `sim-${i}`, url: s.url, model })),
  });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.shutdown(1000);
  await Promise.all(sims.map((s) => s.close()));
});

describe('gateway in front of two simulated vLLM replicas', () => {
  it('serves chat, streaming chat, completions and embeddings through the SDK', async () => {
    const chat = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 12,
      seed: 7,
    });
    expect(chat.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(chat.usage?.completion_tokens).toBe(12);

    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 12,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(chat.choices[0]?.message.content);
    expect(usage?.completion_tokens).toBe(12);

    const completion = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 5 });
    expect(completion.usage?.completion_tokens).toBe(5);
    const embedding = await client.embeddings.create({ model, input: ['a', 'b'] });
    expect(embedding.data).toHaveLength(2);
  });

  it('spreads concurrent requests over both replicas', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () =>
        client.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 20,
        }),
      ),
    );
    const metrics = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    for (const id of ['sim-0', 'sim-1']) {
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith('llm_upstream_requests_total') && l.includes(`"${id}"`));
      expect(Number(line?.split(' ').at(-1))).toBeGreaterThan(0);
    }
  });

  it('passes the engine’s own validation error through (max_tokens beyond the context window)', async () => {
    const error = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 10_000_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});
