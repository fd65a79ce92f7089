/**
 * Conformance: the official `openai` SDK against the simulator, every endpoint, streamed and not.
 * Expected field sets are those of vLLM's OpenAI-compatible server (vllm/entrypoints/openai/protocol.py):
 * vLLM adds `stop_reason`, `prompt_logprobs`, `kv_transfer_params`, `reasoning_content` and
 * `/tokenize`, and leaves unset fields out of stream chunks.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../simulator.ts';
import { startSimulator } from '../simulator.ts';

const MODEL = 'mistral-sim';
let sim: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulator({ servedModelName: MODEL, timeScale: 50, maxModelLen: 4096 });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => sim.close());

const keys = (o: object) => Object.keys(o).sort();
const messages = [{ role: 'user' as const, content: 'Say something about continuous batching.' }];

describe('GET /v1/models', () => {
  it('lists the served model as vLLM does', async () => {
    const page = await client.models.list();
    expect(page.data).toHaveLength(1);
    const m = page.data[0]!;
    expect(keys(m)).toEqual([
      'created',
      'id',
      'max_model_len',
      'object',
      'owned_by',
      'parent',
      'permission',
      'root',
    ]);
    expect(m).toMatchObject({
      id: MODEL,
      object: 'model',
      owned_by: 'vllm',
      root: MODEL,
      parent: null,
      max_model_len: 4096,
    });
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers a non-streamed request with every vLLM field', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 12, seed: 7 });
    expect(keys(r)).toEqual([
      'choices',
      'created',
      'id',
      'kv_transfer_params',
      'model',
      'object',
      'prompt_logprobs',
      'service_tier',
      'system_fingerprint',
      'usage',
    ]);
    expect(r.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(r.object).toBe('chat.completion');
    expect(Number.isInteger(r.created)).toBe(true);
    expect(r.model).toBe(MODEL);
    const choice = r.choices[0]!;
    expect(keys(choice)).toEqual(['finish_reason', 'index', 'logprobs', 'message', 'stop_reason']);
    expect(choice).toMatchObject({ index: 0, logprobs: null, finish_reason: 'length', stop_reason: null });
    expect(keys(choice.message)).toEqual([
      'annotations',
      'audio',
      'content',
      'function_call',
      'reasoning_content',
      'refusal',
      'role',
      'tool_calls',
    ]);
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.tool_calls).toEqual([]);
    expect(typeof choice.message.content).toBe('string');
    expect(r.usage).toEqual({
      prompt_tokens: 13,
      completion_tokens: 12,
      total_tokens: 25,
      prompt_tokens_details: null,
    });
  });

  it('streams a role chunk, one chunk per token, a finish chunk, a usage chunk and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 12,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(1 + 12 + 1);
    const [opening, ...rest] = chunks;
    const usage = rest.pop()!;
    expect(keys(opening!)).toEqual(['choices', 'created', 'id', 'model', 'object']);
    expect(opening!.choices[0]).toEqual({
      index: 0,
      delta: { role: 'assistant', content: '' },
      logprobs: null,
      finish_reason: null,
    });
    for (const c of rest.slice(0, -1)) {
      expect(c.object).toBe('chat.completion.chunk');
      expect(c.id).toBe(opening!.id);
      expect(keys(c.choices[0]!)).toEqual(['delta', 'finish_reason', 'index', 'logprobs']);
      expect(keys(c.choices[0]!.delta)).toEqual(['content']);
    }
    expect(rest.at(-1)!.choices[0]).toMatchObject({ finish_reason: 'length', stop_reason: null });
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({
      prompt_tokens: 13,
      completion_tokens: 12,
      total_tokens: 25,
      prompt_tokens_details: null,
    });
    // Same seed, same prompt: the stream spells the non-streamed answer.
    const text = rest.map((c) => c.choices[0]!.delta.content).join('');
    const again = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 12, seed: 7 });
    expect(text).toBe(again.choices[0]!.message.content);
  });

  it('is deterministic for a seed and varies across seeds', async () => {
    const say = async (seed: number) =>
      (await client.chat.completions.create({ model: MODEL, messages, max_tokens: 20, seed })).choices[0]!
        .message.content;
    expect(await say(1)).toBe(await say(1));
    expect(await say(1)).not.toBe(await say(2));
  });

  it('stops at a stop string and reports it in stop_reason', async () => {
    const full = (await client.chat.completions.create({ model: MODEL, messages, max_tokens: 30, seed: 3 }))
      .choices[0]!.message.content!;
    const stop = full.split(' ').slice(4, 5).join(' ');
    const r = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 30,
      seed: 3,
      stop: [` ${stop}`],
    });
    const choice = r.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect((choice as unknown as { stop_reason: string }).stop_reason).toBe(` ${stop}`);
    expect(full.startsWith(choice.message.content!)).toBe(true);
    expect(choice.message.content).not.toContain(` ${stop}`);
    // Streamed, the same cut; text that might begin the stop string is held back, never sent.
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 30,
      seed: 3,
      stop: [` ${stop}`],
      stream: true,
    });
    const deltas: string[] = [];
    let finish: string | null | undefined;
    for await (const c of stream) {
      deltas.push(c.choices[0]?.delta.content ?? '');
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas.join('')).toBe(choice.message.content);
    expect(finish).toBe('stop');
  });

  it('rejects max_tokens beyond the context window with vLLM’s 400', async () => {
    const err = await client.chat.completions
      .create({ model: MODEL, messages, max_tokens: 5000 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.status).toBe(400);
    expect(err.error).toEqual({
      message:
        "'max_tokens' or 'max_completion_tokens' is too large: 5000. This model's maximum context length is 4096 tokens and your request has 13 input tokens (5000 > 4096 - 13).",
      type: 'BadRequestError',
      param: null,
      code: 400,
    });
  });

  it('answers 404 for a model it does not serve', async () => {
    const err = await client.chat.completions.create({ model: 'other', messages }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.error).toMatchObject({
      message: 'The model `other` does not exist.',
      type: 'NotFoundError',
      code: 404,
    });
  });

  it('answers 400 naming the field for a malformed body', async () => {
    const err = await client.chat.completions.create({ model: MODEL, messages: [] }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ type: 'BadRequestError', param: 'messages', code: 400 });
  });
});

describe('POST /v1/completions', () => {
  it('answers a non-streamed request (max_tokens defaults to 16)', async () => {
    const r = await client.completions.create({ model: MODEL, prompt: 'Once upon a time' });
    expect(r.id).toMatch(/^cmpl-/);
    expect(r.object).toBe('text_completion');
    expect(keys(r.choices[0]!)).toEqual([
      'finish_reason',
      'index',
      'logprobs',
      'prompt_logprobs',
      'stop_reason',
      'text',
    ]);
    expect(r.choices[0]).toMatchObject({
      index: 0,
      finish_reason: 'length',
      logprobs: null,
      stop_reason: null,
    });
    expect(r.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 16, total_tokens: 21 });
  });

  it('streams text chunks, then usage', async () => {
    const stream = await client.completions.create({
      model: MODEL,
      prompt: [1, 200, 300, 400],
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(6);
    for (const c of chunks.slice(0, 5)) {
      expect(c.object).toBe('text_completion');
      expect(keys(c.choices[0]!)).toEqual(['finish_reason', 'index', 'logprobs', 'stop_reason', 'text']);
    }
    expect(chunks[4]!.choices[0]!.finish_reason).toBe('length');
    expect(chunks[5]!.choices).toEqual([]);
    expect(chunks[5]!.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
  });
});

describe('POST /v1/embeddings', () => {
  it('returns one unit vector per input, same text same vector (base64 as the SDK asks, and float)', async () => {
    const r = await client.embeddings.create({ model: MODEL, input: ['alpha', 'beta', 'alpha'] });
    expect(r.object).toBe('list');
    expect(r.data.map((d) => [d.index, d.object])).toEqual([
      [0, 'embedding'],
      [1, 'embedding'],
      [2, 'embedding'],
    ]);
    const [a, b, a2] = r.data.map((d) => d.embedding);
    expect(a).toHaveLength(4096);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 4);
    expect(a2).toEqual(a);
    expect(b).not.toEqual(a);
    expect(r.usage).toEqual({
      prompt_tokens: 6,
      total_tokens: 6,
      completion_tokens: 0,
      prompt_tokens_details: null,
    });
    const floats = await client.embeddings.create({
      model: MODEL,
      input: 'alpha',
      encoding_format: 'float',
      dimensions: 8,
    });
    expect(floats.data[0]!.embedding).toHaveLength(8);
  });
});

describe('vLLM server endpoints', () => {
  it('POST /tokenize counts with the same tokenizer as usage', async () => {
    const res = await fetch(`${sim.url}/tokenize`, {
      method: 'POST',
      body: JSON.stringify({ model: MODEL, messages }),
    });
    expect(await res.json()).toMatchObject({ count: 13, max_model_len: 4096, token_strs: null });
    const prompt = await fetch(`${sim.url}/tokenize`, {
      method: 'POST',
      body: JSON.stringify({ prompt: 'Once upon a time' }),
    });
    const body = (await prompt.json()) as { count: number; tokens: number[] };
    expect(keys(body)).toEqual(['count', 'max_model_len', 'token_strs', 'tokens']);
    expect(body.count).toBe(5);
    expect(body.tokens).toHaveLength(5);
  });

  it('GET /health is 200 with an empty body, /version names the vLLM release', async () => {
    const health = await fetch(`${sim.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('');
    expect(await (await fetch(`${sim.url}/version`)).json()).toEqual({
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
  });

  it('answers unknown routes and wrong methods as FastAPI does', async () => {
    const missing = await fetch(`${sim.url}/v1/nothing`);
    expect([missing.status, await missing.json()]).toEqual([404, { detail: 'Not Found' }]);
    const wrong = await fetch(`${sim.url}/v1/chat/completions`);
    expect([wrong.status, await wrong.json()]).toEqual([405, { detail: 'Method Not Allowed' }]);
  });

  it('GET /metrics serves Prometheus text', async () => {
    const res = await fetch(`${sim.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain(`vllm:num_requests_running{model_name="${MODEL}",engine="0"}`);
  });
});
