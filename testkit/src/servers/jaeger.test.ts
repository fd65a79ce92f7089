import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../core/processes.ts';
import { type JaegerServer, startJaeger } from './jaeger.ts';

describe('startJaeger', () => {
  let jaeger: JaegerServer;
  beforeAll(async () => {
    jaeger = await startJaeger();
  });
  afterAll(async () => {
    await jaeger?.stop();
  });

  it('reads back over the query API a span sent over OTLP/HTTP', async () => {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'llm-gateway' } }] },
          scopeSpans: [
            {
              scope: { name: 'testkit' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'chat completions',
                  kind: 2,
                  startTimeUnixNano: String(nowNs),
                  endTimeUnixNano: String(nowNs + 5_000_000n),
                  attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'llama' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const sent = await fetch(`${jaeger.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(sent.status).toBe(200);
    const trace = await waitUntil(() => jaeger.getTrace(traceId), {
      what: 'trace readable',
      timeoutMs: 20_000,
    });
    expect(trace.spans).toHaveLength(1);
    const span = trace.spans[0]!;
    expect(span.operationName).toBe('chat completions');
    expect(span.spanID).toBe(spanId);
    expect(trace.processes[span.processID]?.serviceName).toBe('llm-gateway');
    expect(span.tags).toContainEqual(
      expect.objectContaining({ key: 'gen_ai.request.model', value: 'llama' }),
    );
  });
});
