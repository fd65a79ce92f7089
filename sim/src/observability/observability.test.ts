/**
 * Metrics and spans as vLLM emits them: names and labels from `VllmMetric`, the `llm_request`
 * server span with `gen_ai.*` attributes, parented on the caller's `traceparent`.
 */

import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { GenAiAttr, ServiceName, SpanName, VllmMetric } from '@switchyard/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../simulator.ts';
import { startSimulator } from '../simulator.ts';

const MODEL = 'obs-model';
const exporter = new InMemorySpanExporter();
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ servedModelName: MODEL, timeScale: 50, traceExporter: exporter });
});
afterAll(() => sim.close());

async function chat(headers: Record<string, string> = {}, stream = false) {
  const res = await fetch(`${sim.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
      stream,
    }),
  });
  return res.text();
}

/** Value of one sample line `name{labels} value` in Prometheus text. */
function sample(text: string, name: string, extraLabels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(extraLabels));
  if (!line) throw new Error(`no sample for ${name} ${extraLabels}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/metrics', () => {
  it('exposes every vLLM metric with model_name and engine labels, counting requests and tokens', async () => {
    await chat();
    await chat({}, true);
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    for (const name of Object.values(VllmMetric)) expect(text).toContain(`# TYPE ${name} `);
    const labels = `model_name="${MODEL}",engine="0"`;
    expect(text).toContain(`${VllmMetric.numRequestsRunning}{${labels}} 0`);
    expect(sample(text, VllmMetric.generationTokensTotal)).toBe(16);
    expect(sample(text, VllmMetric.promptTokensTotal)).toBe(10);
    expect(sample(text, VllmMetric.requestSuccessTotal, 'finished_reason="length"')).toBe(2);
    expect(sample(text, `${VllmMetric.timeToFirstTokenSeconds}_count`)).toBe(2);
    expect(sample(text, `${VllmMetric.interTokenLatencySeconds}_count`)).toBe(14);
    expect(sample(text, `${VllmMetric.e2eRequestLatencySeconds}_count`)).toBe(2);
    expect(sample(text, `${VllmMetric.requestQueueTimeSeconds}_count`)).toBe(2);
    expect(sample(text, 'vllm:request_generation_tokens_sum')).toBe(16);
    expect(sample(text, 'vllm:request_prompt_tokens_bucket', 'le="5"')).toBe(2);
    expect(sample(text, 'vllm:request_inference_time_seconds_count')).toBe(2);
    expect(sample(text, VllmMetric.prefixCacheQueriesTotal)).toBe(10);
    expect(sample(text, VllmMetric.kvCacheUsagePerc)).toBe(0);
    expect(text).toContain(`${VllmMetric.timeToFirstTokenSeconds}_bucket{le="0.001",${labels}}`);
    expect(text).toMatch(
      /vllm:cache_config_info\{block_size="16",num_gpu_blocks="27648",[^}]*enable_prefix_caching="True"[^}]*\} 1/,
    );
  });
});

describe('llm_request span', () => {
  it('is a server span, child of the caller’s traceparent, with vLLM’s gen_ai attributes', async () => {
    exporter.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    await chat({ traceparent: `00-${traceId}-${parentId}-01`, 'x-request-id': 'trace-me' }, true);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe(SpanName.engineRequest);
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe(parentId);
    expect(span.resource.attributes['service.name']).toBe(ServiceName.engine);
    const a = span.attributes;
    expect(a[GenAiAttr.requestId]).toBe('chatcmpl-trace-me');
    expect(a[GenAiAttr.responseModel]).toBe(MODEL);
    expect(a[GenAiAttr.usageInputTokens]).toBe(5);
    expect(a[GenAiAttr.usageOutputTokens]).toBe(8);
    expect(a[GenAiAttr.requestMaxTokens]).toBe(8);
    expect(a[GenAiAttr.requestN]).toBe(1);
    for (const key of [
      GenAiAttr.latencyTimeInQueue,
      GenAiAttr.latencyTimeToFirstToken,
      GenAiAttr.latencyE2e,
    ]) {
      expect(typeof a[key]).toBe('number');
    }
    expect(a[GenAiAttr.latencyE2e] as number).toBeGreaterThan(a[GenAiAttr.latencyTimeToFirstToken] as number);
  });

  it('starts a new trace when the caller sends none', async () => {
    exporter.reset();
    await chat();
    const span = exporter.getFinishedSpans()[0]!;
    expect(span.parentSpanContext).toBeUndefined();
  });
});
