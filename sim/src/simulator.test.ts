import { describe, expect, it } from 'vitest';
import { startSimulator } from './simulator.ts';

describe('startSimulator', () => {
  it('runs two replicas side by side in one process, each with its own engine and metrics', async () => {
    const [a, b] = await Promise.all([
      startSimulator({ servedModelName: 'm', timeScale: 50 }),
      startSimulator({ servedModelName: 'm', timeScale: 50, profile: 'llama3-8b-a100' }),
    ]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
      const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 3 });
      expect((await fetch(`${a.url}/v1/chat/completions`, { method: 'POST', body })).status).toBe(200);
      expect(a.engineStats().generationTokens).toBe(3);
      expect(b.engineStats().generationTokens).toBe(0);
      expect(b.config.maxModelLen).toBe(8192);
      const metricsB = await (await fetch(`${b.url}/metrics`)).text();
      expect(metricsB).toContain('vllm:generation_tokens_total{model_name="m",engine="0"} 0');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('rejects an unknown profile naming it', async () => {
    await expect(startSimulator({ servedModelName: 'm', profile: 'gpt-9' })).rejects.toThrow(
      "unknown profile 'gpt-9'",
    );
  });
});
