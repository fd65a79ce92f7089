/** API keys: hashed in config, tenants, model allow-lists. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from './middleware/auth/index.ts';
import { type FakeEngine, startFakeEngine } from './testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from './testing/harness.ts';

let engine: FakeEngine;
let gateway: TestGateway;

beforeAll(async () => {
  engine = await startFakeEngine('model-a');
  gateway = await startTestGateway({
    auth: {
      mode: 'required',
      keys: [
        { id: 'team-a', sha256: hashApiKey('sk-team-a'), tenant: 'a', models: ['model-a'] },
        { id: 'admin', sha256: hashApiKey('sk-admin'), tenant: 'ops' },
      ],
    },
    endpoints: [
      { id: 'a0', url: engine.url, model: 'model-a' },
      { id: 'b0', url: engine.url, model: 'model-b' },
    ],
  });
});
afterAll(async () => {
  await gateway.shutdown(500);
  await engine.close();
});

const sdk = (apiKey: string) => new OpenAI({ baseURL: gateway.baseURL, apiKey, maxRetries: 0 });
const ask = (client: OpenAI, model: string) =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('API keys', () => {
  it('stores only the SHA-256 of a key', () => {
    expect(hashApiKey('sk-team-a')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('sk-team-a')).not.toContain('sk-team-a');
  });

  it('accepts a configured key', async () => {
    await expect(ask(sdk('sk-team-a'), 'model-a')).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('rejects a wrong key with 401 invalid_api_key', async () => {
    const error = await ask(sdk('sk-wrong'), 'model-a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
  });

  it('rejects a missing key with 401', async () => {
    const response = await fetch(`${gateway.url}/v1/models`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
  });

  it('hides models outside the key’s allow-list, as OpenAI does (404 model_not_found)', async () => {
    const error = await ask(sdk('sk-team-a'), 'model-b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const models = await sdk('sk-team-a').models.list();
    expect(models.data.map((m) => m.id)).toEqual(['model-a']);
  });

  it('lets a key without an allow-list use every model', async () => {
    const models = await sdk('sk-admin').models.list();
    expect(models.data.map((m) => m.id)).toEqual(['model-a', 'model-b']);
  });

  it('never writes the key to the logs', () => {
    expect(gateway.logLines.join('\n')).not.toContain('sk-team-a');
    expect(gateway.logLines.some((l) => l.includes('"tenant":"a"'))).toBe(true);
  });
});
