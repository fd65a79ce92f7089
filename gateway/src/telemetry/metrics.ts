/**
 * The gateway's Prometheus metrics, under the names of the original latency analysis (see `GatewayMetric`),
 * in a registry of their own so several gateways can live in one process (tests).
 */
import { GatewayMetric, LATENCY_BUCKETS_SECONDS } from '@switchyard/api';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** All gateway metrics; `registry.metrics()` renders them. */
export interface GatewayMetrics {
  registry: Registry;
  ttft: Histogram<'model'>;
  tpot: Histogram<'model'>;
  duration: Histogram<'model' | 'status'>;
  requests: Counter<'model' | 'tenant' | 'status'>;
  errors: Counter<'model' | 'status' | 'code'>;
  tokens: Counter<'model' | 'tenant' | 'kind'>;
  active: Gauge<'model'>;
  upstreamRequests: Counter<'endpoint' | 'status'>;
  upstreamErrors: Counter<'endpoint' | 'reason'>;
  upstreamDuration: Histogram<'endpoint'>;
  clientAborts: Counter<'model' | 'phase'>;
}

/** Creates the metrics in a fresh registry; `defaults` adds Node process metrics. */
export function createMetrics(options: { defaults?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  const buckets = [...LATENCY_BUCKETS_SECONDS];
  const registers = [registry];
  return {
    registry,
    ttft: new Histogram({
      name: GatewayMetric.ttftSeconds,
      help: 'Time to first token seen by the gateway (request received to first content chunk relayed), seconds.',
      labelNames: ['model'],
      buckets,
      registers,
    }),
    tpot: new Histogram({
      name: GatewayMetric.tpotSeconds,
      help: 'Mean time per output token after the first, per streamed request, seconds.',
      labelNames: ['model'],
      buckets,
      registers,
    }),
    duration: new Histogram({
      name: GatewayMetric.inferenceDurationSeconds,
      help: 'End-to-end request duration at the gateway, seconds.',
      labelNames: ['model', 'status'],
      buckets,
      registers,
    }),
    requests: new Counter({
      name: GatewayMetric.requestsTotal,
      help: 'Requests answered, by model, tenant and HTTP status.',
      labelNames: ['model', 'tenant', 'status'],
      registers,
    }),
    errors: new Counter({
      name: GatewayMetric.errorsTotal,
      help: 'Requests that ended in an error, by model, status and error code.',
      labelNames: ['model', 'status', 'code'],
      registers,
    }),
    tokens: new Counter({
      name: GatewayMetric.tokensProcessedTotal,
      help: 'Tokens processed, by kind (prompt or completion).',
      labelNames: ['model', 'tenant', 'kind'],
      registers,
    }),
    active: new Gauge({
      name: GatewayMetric.activeRequests,
      help: 'Requests in flight at the gateway.',
      labelNames: ['model'],
      registers,
    }),
    upstreamRequests: new Counter({
      name: GatewayMetric.upstreamRequestsTotal,
      help: 'Requests sent to engine endpoints, by endpoint and upstream status.',
      labelNames: ['endpoint', 'status'],
      registers,
    }),
    upstreamErrors: new Counter({
      name: GatewayMetric.upstreamErrorsTotal,
      help: 'Upstream failures by endpoint and reason (connect, timeout, reset, status).',
      labelNames: ['endpoint', 'reason'],
      registers,
    }),
    upstreamDuration: new Histogram({
      name: GatewayMetric.upstreamDurationSeconds,
      help: 'Time from sending the upstream request to its last byte, seconds.',
      labelNames: ['endpoint'],
      buckets,
      registers,
    }),
    clientAborts: new Counter({
      name: GatewayMetric.clientAbortsTotal,
      help: 'Clients that disconnected before their response ended; the upstream request was aborted.',
      labelNames: ['model', 'phase'],
      registers,
    }),
  };
}
