/** Metrics exposed and moving; a trace with the gateway's spans and the traceparent the engine received. */

import { GatewayMetric, GenAiAttr, SpanEvent, SpanName } from '@switchyard/api';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { startGateway } from './gateway.ts';
import { type FakeEngine, startFakeEngine } from './testing/fake-engine.ts';
import { startTestGateway, type TestGateway } from './testing/harness.ts';

let engine: FakeEngine;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  engine = await startFakeEngine('test-model', { tokens: 6, chunkDelayMs: 5 });
  gateway = await startTestGateway({ endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }] });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.shutdown(500);
  await engine.close();
});

const scrape = async () => (await fetch(`${gateway.adminUrl}/metrics`)).text();
const sample = (text: string, name: string, labels = '') =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(name) && l.includes(labels))
      ?.split(' ')
      .at(-1) ?? 0,
  );

describe('metrics', () => {
  it('exposes the analysis metric names and moves them with traffic', async () => {
    const before = await scrape();
    for (const name of Object.values(GatewayMetric).filter(
      (n) => !n.startsWith('llm_queue') && n !== GatewayMetric.rateLimitedTotal,
    )) {
      expect(before).toContain(`# TYPE ${name}`);
    }
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const _ of stream);
    const after = await scrape();
    const labels = 'model="test-model"';
    expect(sample(after, 'llm_requests_total{', labels)).toBe(
      sample(before, 'llm_requests_total{', labels) + 1,
    );
    expect(sample(after, 'llm_ttft_seconds_count', labels)).toBe(
      sample(before, 'llm_ttft_seconds_count', labels) + 1,
    );
    expect(sample(after, 'llm_tpot_seconds_count', labels)).toBe(
      sample(before, 'llm_tpot_seconds_count', labels) + 1,
    );
    expect(sample(after, 'llm_tokens_processed_total{', 'kind="prompt"')).toBeGreaterThan(0);
    expect(after).toContain('llm_ttft_seconds_bucket{le="0.001"');
    expect(after).toContain('llm_ttft_seconds_bucket{le="60"');
  });

  it('serves the probes', async () => {
    expect((await fetch(`${gateway.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${gateway.adminUrl}/readyz`)).status).toBe(200);
  });
});

describe('tracing', () => {
  it('continues the client trace and hands the upstream span to the engine in traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientParent = `00-${traceId}-00f067aa0ba902b7-01`;
    gateway.spans.reset();
    const stream = await client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: { traceparent: clientParent } },
    );
    for await (const _ of stream);

    const spans = gateway.spans.getFinishedSpans();
    const server = spans.find((s) => s.name === 'POST /v1/chat/completions');
    const route = spans.find((s) => s.name === SpanName.routing);
    const upstream = spans.find((s) => s.name === SpanName.upstream);
    expect(server?.spanContext().traceId).toBe(traceId);
    expect(server?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(server?.attributes).toMatchObject({
      [GenAiAttr.requestModel]: 'test-model',
      [GenAiAttr.usageInputTokens]: 7,
      [GenAiAttr.usageOutputTokens]: 6,
    });
    expect(server?.events.map((e) => e.name)).toContain(SpanEvent.firstToken);
    expect(route?.attributes['switchyard.endpoint']).toBe('e0');
    expect(route?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);

    const received = engine.received.at(-1)?.headers.traceparent;
    expect(received).toBe(`00-${traceId}-${upstream?.spanContext().spanId}-01`);
  });

  it('with tracing off, passes the client traceparent on as it came and invents none', async () => {
    const quiet = await startGateway(
      parseConfig({
        server: { port: 0, adminPort: 0 },
        auth: { mode: 'disabled' },
        logging: { level: 'warn' },
        endpoints: [{ id: 'e0', url: engine.url, model: 'test-model' }],
      }),
    ); // no tracer given: the global one, a no-op here
    try {
      const sdk = new OpenAI({ baseURL: `${quiet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const clientParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await sdk.chat.completions.create(
        { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { traceparent: clientParent } },
      );
      expect(engine.received.at(-1)?.headers.traceparent).toBe(clientParent);
      await sdk.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
      expect(engine.received.at(-1)?.headers.traceparent).toBeUndefined();
    } finally {
      await quiet.shutdown(500);
    }
  });
});
