/** Graceful shutdown (SIGTERM in a pod): requests in flight finish, new ones are turned away. */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator.ts';

describe('drain', () => {
  it('lets a stream in flight finish, refuses new requests, then closes', async () => {
    const sim = await startSimulator({ servedModelName: 'm', port: 0, timeScale: 5 });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 40,
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();

    const drained = sim.drain(10_000);
    await expect(fetch(`${sim.url}/health`)).rejects.toThrow(); // a new connection is refused
    let tokens = 0;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (r.value.choices[0]?.delta.content) tokens++;
    }
    expect(tokens).toBe(40); // the first chunk, read above, carried only the role
    await expect(drained).resolves.toEqual({ drained: true });
    await expect(fetch(`${sim.url}/health`)).rejects.toThrow();
  });

  it('cuts what is still running at the deadline', async () => {
    const sim = await startSimulator({ servedModelName: 'm', port: 0, timeScale: 1 });
    const response = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 2000,
        stream: true,
      }),
    });
    expect(response.status).toBe(200);
    await expect(sim.drain(100)).resolves.toEqual({ drained: false });
  });
});
