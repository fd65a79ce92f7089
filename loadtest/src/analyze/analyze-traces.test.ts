import { describe, expect, it } from 'vitest';
import { analyzeTraces } from './analyze-traces.ts';
import { classifyBottleneck } from './classify.ts';
import { type SyntheticRequest, syntheticTrace } from './fixtures.ts';
import { requestPhases } from './phases.ts';

describe('requestPhases', () => {
  const phases = requestPhases(
    syntheticTrace({
      id: 't1',
      auth: 1,
      rateLimit: 2,
      queueWait: 30,
      routing: 0.5,
      transportEach: 0.5,
      engineQueue: 10,
      prefill: 40,
      decode: 500,
      overhead: 3,
      outputTokens: 51,
    }),
  )!;

  it('reads each gateway phase from its span', () => {
    expect(phases.phases.auth).toBeCloseTo(1);
    expect(phases.phases.rateLimit).toBeCloseTo(2);
    expect(phases.phases.queueWait).toBeCloseTo(30);
    expect(phases.phases.routing).toBeCloseTo(0.5);
  });

  it('splits the upstream call at the first token into upstream TTFT and decode', () => {
    expect(phases.phases.upstreamTtft).toBeCloseTo(0.5 + 10 + 40 + 0.5);
    expect(phases.phases.decode).toBeCloseTo(500);
  });

  it('puts time outside every child span into gateway overhead, so the phases add up to the total', () => {
    expect(phases.phases.gatewayOverhead).toBeCloseTo(3);
    const sum = Object.values(phases.phases).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(phases.totalMs);
  });

  it('reads engine queue, prefill and transport from the engine span', () => {
    expect(phases.engine).toMatchObject({ queueMs: 10, prefillMs: 40, e2eMs: 550, outputTokens: 51 });
    expect(phases.transportMs).toBeCloseTo(1);
  });
});

describe('requestPhases with implausible engine attributes', () => {
  it('falls back to the engine span’s own timing when vLLM’s latency attributes do not fit inside it', () => {
    const trace = syntheticTrace({ id: 'skew', transportEach: 1, engineQueue: 0, prefill: 30, decode: 300 });
    const engine = trace.spans.find((s) => s.operationName === 'llm_request')!;
    engine.tags = [
      { key: 'gen_ai.latency.e2e', value: -0.27 },
      { key: 'gen_ai.latency.time_to_first_token', value: -0.73 },
      { key: 'gen_ai.latency.time_in_queue', value: 0 },
    ];
    const phases = requestPhases(trace)!;
    expect(phases.engine?.e2eMs).toBeCloseTo(330);
    expect(phases.engine?.prefillMs).toBeCloseTo(31); // engine start → first token seen by the gateway
    expect(phases.transportMs).toBeCloseTo(2);
  });
});

const base: Omit<SyntheticRequest, 'id'> = {
  auth: 0.1,
  routing: 0.1,
  engineQueue: 1,
  prefill: 20,
  decode: 60,
  outputTokens: 20,
};
const many = (n: number, r: Omit<SyntheticRequest, 'id'>) =>
  Array.from({ length: n }, (_, i) => syntheticTrace({ ...r, id: `trace-${i}` }));

describe('bottleneck classification', () => {
  it.each<[string, Omit<SyntheticRequest, 'id'>]>([
    ['queue-bound', { ...base, queueWait: 400, engineQueue: 300 }],
    ['compute-bound', { ...base, prefill: 900, decode: 200 }],
    ['memory-bound', { ...base, prefill: 20, decode: 3000, outputTokens: 300 }],
    ['I/O-bound', { ...base, transportEach: 15 }],
    ['software-bound', { ...base, overhead: 25 }],
  ])('calls a request set %s when its time goes there', (expected, request) => {
    expect(analyzeTraces(many(5, request)).classification?.primary).toBe(expected);
  });

  it('gives the evidence as shares of request time', () => {
    const c = classifyBottleneck({
      requests: 2,
      totalMs: 1000,
      gatewayQueueMs: 300,
      engineQueueMs: 100,
      prefillMs: 100,
      decodeMs: 480,
      transportMs: 10,
      gatewaySoftwareMs: 10,
    });
    expect(c.primary).toBe('queue-bound');
    expect(c.shares['queue-bound']).toBeCloseTo(0.4);
    expect(c.evidence[0]).toContain('40.0 % of request time');
    expect(c.secondary).toEqual([]);
    expect(c.nextSteps[0]).toContain('llm_queue_depth');
  });
});

describe('decode contention evidence', () => {
  it('says decode is uncontended when TPOT is near the fastest requests’', () => {
    const c = analyzeTraces(many(5, { ...base, decode: 3000, outputTokens: 301 })).classification!;
    expect(c.primary).toBe('memory-bound');
    expect(c.evidence.at(-1)).toMatch(/^TPOT p50 10 ms is within 1\.5x .* not contended/);
  });

  it('says decode slows under batch pressure when TPOT is inflated', () => {
    const traces = [
      ...many(2, { ...base, decode: 1000, outputTokens: 101 }),
      ...many(8, { ...base, decode: 4000, outputTokens: 101 }).map((t, i) => ({
        ...t,
        traceID: `slow-${i}`,
      })),
    ];
    expect(analyzeTraces(traces).classification?.evidence.at(-1)).toMatch(/is 4\.0x .* batch pressure/);
  });
});

describe('analyzeTraces', () => {
  const traces = [...many(9, base), syntheticTrace({ ...base, id: 'slow', decode: 5000 })];
  const analysis = analyzeTraces(traces);

  it('ranks operations by p95 duration', () => {
    expect(analysis.slowestOperations[0]).toMatchObject({
      service: 'llm-gateway',
      operation: 'POST /v1/chat/completions',
      count: 10,
    });
  });

  it('lists the slowest request first with the phase it spent most time in', () => {
    expect(analysis.slowestRequests[0]).toMatchObject({ traceId: 'slow', dominantPhase: 'decode' });
  });

  it('shares add up to 100 % of request time', () => {
    const total = analysis.breakdown.reduce((a, p) => a + p.sharePercent, 0);
    expect(total).toBeCloseTo(100, 5);
  });

  it('skips traces without a gateway server span in the breakdown', () => {
    const engineOnly = syntheticTrace({ ...base, id: 'x' });
    engineOnly.spans = engineOnly.spans.filter((s) => s.operationName === 'llm_request');
    expect(analyzeTraces([engineOnly])).toMatchObject({ traces: 1, requests: 0 });
  });
});
