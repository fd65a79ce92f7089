/** Every error the data path can produce reaches the client as an OpenAI error body with the right status. */
import { freePort } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from './testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from './testing/harness.ts';

let engine: FakeEngine;
let gateway: TestGateway;
let deadPort: number;

beforeAll(async () => {
  engine = await startFakeEngine('test-model');
  // Nothing listens here, and testkit keeps it reserved (no other test process or listen(0) takes it).
  deadPort = await freePort();
  gateway = await startTestGateway({
    server: { maxBodyBytes: 2048 },
    upstream: { firstByteTimeoutMs: 300 },
    // A model with no ready endpoint is held (scale from zero); here only briefly, then 503.
    admission: { coldStartTimeoutMs: 50 },
    endpoints: [
      { id: 'e0', url: engine.url, model: 'test-model' },
      { id: 'dead', url: `http://127.0.0.1:${deadPort}`, model: 'dead-model' },
    ],
  });
});
afterAll(async () => {
  await gateway.shutdown(500);
  await engine.close();
});
beforeEach(() => {
  engine.behavior = { tokens: 3, chunkDelayMs: 0, headerDelayMs: 0 };
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'test-model',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('error responses', () => {
  it.each([
    {
      name: 'schema violation → 400 with the field as param',
      body: chat({ temperature: 9 }),
      status: 400,
      error: { type: 'invalid_request_error', param: 'temperature' },
    },
    {
      name: 'missing messages → 400 naming messages',
      body: { model: 'test-model' },
      status: 400,
      error: { type: 'invalid_request_error', param: 'messages' },
    },
    {
      name: 'malformed JSON → 400 invalid_json',
      body: '{"model": ',
      status: 400,
      error: { type: 'invalid_request_error', code: 'invalid_json' },
    },
    {
      name: 'unknown model → 404 model_not_found',
      body: chat({ model: 'nope' }),
      status: 404,
      error: { code: 'model_not_found', param: 'model' },
    },
    {
      name: 'body over the limit → 413',
      body: chat({ messages: [{ role: 'user', content: 'x'.repeat(4096) }] }),
      status: 413,
      error: { code: 'request_too_large' },
    },
    {
      name: 'engine refuses connections → 502',
      body: chat({ model: 'dead-model' }),
      status: 502,
      error: { code: 'upstream_connect' },
    },
  ])('$name', async ({ body, status, error }) => {
    const response = await post('/v1/chat/completions', body);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject(error);
    expect(typeof json.error.message).toBe('string');
    expect(json.error).toHaveProperty('param');
    expect(json.error).toHaveProperty('code');
  });

  it('gives 504 when the engine does not answer within the first-byte timeout', async () => {
    engine.behavior.headerDelayMs = 1000;
    const response = await post('/v1/chat/completions', chat());
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'upstream_first_byte_timeout',
    );
  });

  it('gives 503 with retry-after when no endpoint of the model is ready', async () => {
    const [endpoint] = gateway.endpoints.forModel('test-model');
    endpoint!.ready = false;
    try {
      const response = await post('/v1/chat/completions', chat());
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('no_ready_endpoints');
    } finally {
      endpoint!.ready = true;
    }
  });

  it('passes an engine error body through with its status', async () => {
    engine.behavior.failStatus = 400;
    const response = await post('/v1/chat/completions', chat());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'fake failure 400',
    );
  });

  it('turns an engine error without an OpenAI body into a 502', async () => {
    engine.behavior.garbageStatus = 500;
    const response = await post('/v1/chat/completions', chat());
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_bad_response');
  });

  it('answers unknown URLs with an OpenAI-shaped 404', async () => {
    const response = await fetch(`${gateway.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
  });

  it('rejects stream: true on embeddings', async () => {
    const response = await post('/v1/embeddings', { model: 'test-model', input: 'x', stream: true });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('stream');
  });
});
