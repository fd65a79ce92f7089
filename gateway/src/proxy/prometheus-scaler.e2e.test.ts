/**
 * The queue depth a KEDA Prometheus trigger would scale on: a real Prometheus scrapes the gateway's admin
 * `/metrics` and `sum(llm_queue_depth{model="..."})` shows a held request, then drops back when it is served.
 */
import type { PrometheusServer } from '@switchyard/testkit';
import { startPrometheus } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from '../testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from '../testing/harness.ts';

const MODEL = 'cold-model';
const QUERY = `sum(llm_queue_depth{model="${MODEL}"})`;
let engine: FakeEngine;
let gateway: TestGateway;
let prometheus: PrometheusServer;

beforeAll(async () => {
  engine = await startFakeEngine(MODEL);
  gateway = await startTestGateway({ admission: { models: { [MODEL]: {} } }, logging: { accessLog: false } });
  prometheus = await startPrometheus({ targets: [new URL(gateway.adminUrl).host], scrapeIntervalSeconds: 1 });
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
  await gateway?.shutdown(500);
  await engine?.close();
});

async function until(value: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [sample] = await prometheus.query(QUERY);
    if (sample?.value === value) return;
    if (Date.now() > deadline) throw new Error(`${QUERY} stayed at ${sample?.value} instead of ${value}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Prometheus-scaler query over llm_queue_depth', () => {
  it('sees a request held for a model with zero pods, and sees it leave once a pod is ready', async () => {
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'wake up' }], max_tokens: 3 }),
    });
    await until(1);
    gateway.endpoints.replace([{ id: 'pod-0', url: engine.url, model: MODEL }]);
    expect((await pending).status).toBe(200);
    await until(0);
  }, 60_000);
});
