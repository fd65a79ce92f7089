/**
 * The gateway's Prometheus metrics, under the names of the original latency analysis (see `GatewayMetric`),
 * in a registry of their own so several gateways can live in one process (tests). The per-request ones are
 * `hot-metrics.ts` series (positional label values, no label object per update), rendered by prom-client.
 */
import { GatewayMetric, LATENCY_BUCKETS_SECONDS } from '@switchyard/api';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HotCounter, HotGauge, HotHistogram } from './hot-metrics.ts';

/** All gateway metrics; `registry.metrics()` renders them. Label values go in the order listed. */
export interface GatewayMetrics {
  registry: Registry;
  ttft: HotHistogram<'model'>;
  tpot: HotHistogram<'model'>;
  duration: HotHistogram<'model' | 'status'>;
  requests: HotCounter<'model' | 'tenant' | 'status'>;
  errors: HotCounter<'model' | 'status' | 'code'>;
  tokens: HotCounter<'model' | 'tenant' | 'kind'>;
  active: HotGauge<'model'>;
  upstreamRequests: HotCounter<'endpoint' | 'status'>;
  upstreamErrors: HotCounter<'endpoint' | 'reason'>;
  upstreamDuration: HotHistogram<'endpoint'>;
  clientAborts: HotCounter<'model' | 'phase'>;
}

/** Creates the metrics in a fresh registry; `defaults` adds Node process metrics. */
export function createMetrics(options: { defaults?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  const buckets = LATENCY_BUCKETS_SECONDS;
  const registers = [registry];
  return {
    registry,
    ttft: new HotHistogram({
      name: GatewayMetric.ttftSeconds,
      help: 'Time to first token seen by the gateway (request received to first content chunk relayed), seconds.',
      labelNames: ['model'],
      buckets,
      registers,
    }),
    tpot: new HotHistogram({
      name: GatewayMetric.tpotSeconds,
      help: 'Mean time per output token after the first, per streamed request, seconds.',
      labelNames: ['model'],
      buckets,
      registers,
    }),
    duration: new HotHistogram({
      name: GatewayMetric.inferenceDurationSeconds,
      help: 'End-to-end request duration at the gateway, seconds.',
      labelNames: ['model', 'status'],
      buckets,
      registers,
    }),
    requests: new HotCounter({
      name: GatewayMetric.requestsTotal,
      help: 'Requests answered, by model, tenant and HTTP status.',
      labelNames: ['model', 'tenant', 'status'],
      registers,
    }),
    errors: new HotCounter({
      name: GatewayMetric.errorsTotal,
      help: 'Requests that ended in an error, by model, status and error code.',
      labelNames: ['model', 'status', 'code'],
      registers,
    }),
    tokens: new HotCounter({
      name: GatewayMetric.tokensProcessedTotal,
      help: 'Tokens processed, by kind (prompt or completion).',
      labelNames: ['model', 'tenant', 'kind'],
      registers,
    }),
    active: new HotGauge({
      name: GatewayMetric.activeRequests,
      help: 'Requests in flight at the gateway.',
      labelNames: ['model'],
      registers,
    }),
    upstreamRequests: new HotCounter({
      name: GatewayMetric.upstreamRequestsTotal,
      help: 'Requests sent to engine endpoints, by endpoint and upstream status.',
      labelNames: ['endpoint', 'status'],
      registers,
    }),
    upstreamErrors: new HotCounter({
      name: GatewayMetric.upstreamErrorsTotal,
      help: 'Upstream failures by endpoint and reason (connect, timeout, reset, status).',
      labelNames: ['endpoint', 'reason'],
      registers,
    }),
    upstreamDuration: new HotHistogram({
      name: GatewayMetric.upstreamDurationSeconds,
      help: 'Time from sending the upstream request to its last byte, seconds.',
      labelNames: ['endpoint'],
      buckets,
      registers,
    }),
    clientAborts: new HotCounter({
      name: GatewayMetric.clientAbortsTotal,
      help: 'Clients that disconnected before their response ended; the upstream request was aborted.',
      labelNames: ['model', 'phase'],
      registers,
    }),
  };
}

const STATUS_TEXT = new Map<number, string>();

/** A status code as a label value (`String(status)`, kept so each request does not make a new string). */
export function statusText(status: number): string {
  let text = STATUS_TEXT.get(status);
  if (text === undefined) {
    text = String(status);
    STATUS_TEXT.set(status, text);
  }
  return text;
}
