/** Hand-built Jaeger traces for the analysis tests: a gateway request with chosen phase durations (ms). */
import type { JaegerSpan, JaegerTrace } from './jaeger.ts';

/** Phase durations of a synthetic request, ms. */
export interface SyntheticRequest {
  id: string;
  auth?: number;
  rateLimit?: number;
  queueWait?: number;
  routing?: number;
  /** Gap from the upstream span's start to the engine's arrival, and from its end to the upstream's end. */
  transportEach?: number;
  engineQueue: number;
  prefill: number;
  decode: number;
  overhead?: number;
  outputTokens?: number;
}

/** A trace shaped like the gateway's and the engine's spans for `r`. */
export function syntheticTrace(r: SyntheticRequest): JaegerTrace {
  const t0 = 1_700_000_000_000_000; // µs
  const u = (ms: number) => Math.round(ms * 1000);
  const spans: JaegerSpan[] = [];
  const span = (
    id: string,
    name: string,
    start: number,
    duration: number,
    process: string,
    parent?: string,
  ) => {
    const s: JaegerSpan = {
      traceID: r.id,
      spanID: id,
      operationName: name,
      startTime: start,
      duration,
      processID: process,
      references: parent ? [{ refType: 'CHILD_OF', traceID: r.id, spanID: parent }] : [],
      tags: [],
      logs: [],
    };
    spans.push(s);
    return s;
  };
  let t = t0 + u(r.overhead ?? 0);
  const step = (id: string, name: string, ms: number | undefined) => {
    if (ms === undefined) return;
    span(id, name, t, u(ms), 'p1', 'root');
    t += u(ms);
  };
  step('auth', 'gateway.auth', r.auth);
  step('rl', 'gateway.rate_limit', r.rateLimit);
  step('qw', 'gateway.queue_wait', r.queueWait);
  step('route', 'gateway.route', r.routing ?? 0.1);
  const transport = r.transportEach ?? 0;
  const engineMs = r.engineQueue + r.prefill + r.decode;
  const upstream = span('up', 'gateway.upstream', t, u(engineMs + 2 * transport), 'p1', 'root');
  const engine = span('eng', 'llm_request', t + u(transport), u(engineMs), 'p2', 'up');
  engine.tags = [
    { key: 'gen_ai.latency.time_in_queue', type: 'float64', value: r.engineQueue / 1000 },
    { key: 'gen_ai.latency.time_to_first_token', type: 'float64', value: (r.engineQueue + r.prefill) / 1000 },
    { key: 'gen_ai.latency.e2e', type: 'float64', value: engineMs / 1000 },
    { key: 'gen_ai.usage.output_tokens', type: 'int64', value: r.outputTokens ?? 100 },
  ];
  const firstToken = upstream.startTime + u(transport + r.engineQueue + r.prefill + transport);
  const total = upstream.startTime + upstream.duration - t0;
  const root = span('root', 'POST /v1/chat/completions', t0, total, 'p1');
  root.logs = [{ timestamp: firstToken, fields: [{ key: 'event', value: 'first_token' }] }];
  root.tags = [
    { key: 'http.response.status_code', type: 'int64', value: 200 },
    { key: 'gen_ai.usage.output_tokens', type: 'int64', value: r.outputTokens ?? 100 },
  ];
  return {
    traceID: r.id,
    spans,
    processes: { p1: { serviceName: 'llm-gateway' }, p2: { serviceName: 'vllm' } },
  };
}
