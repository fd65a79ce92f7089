/** Prometheus metrics of the admission queue: `llm_queue_depth` (gauge, read at scrape) and `llm_queue_wait_seconds`. */
import { GatewayMetric, LATENCY_BUCKETS_SECONDS } from '@switchyard/api';
import type { Registry } from 'prom-client';
import { Gauge, Histogram } from 'prom-client';
import type { AdmissionObserver, QueueStats } from './admission-queue.ts';

/** Registers the queue metrics; `stats` is read at every scrape. Returns the observer feeding the histogram. */
export function admissionMetrics(
  registry: Registry,
  source: { models(): string[]; stats(model: string): QueueStats },
): AdmissionObserver {
  new Gauge({
    name: GatewayMetric.queueDepth,
    help: 'Requests waiting in the admission queue, by model (a KEDA Prometheus trigger can scale on it).',
    labelNames: ['model'],
    registers: [registry],
    collect() {
      for (const model of source.models()) this.set({ model }, source.stats(model).queued);
    },
  });
  const wait = new Histogram({
    name: GatewayMetric.queueWaitSeconds,
    help: 'Time requests spent in the admission queue, by model and outcome (admitted or the rejection reason).',
    labelNames: ['model', 'outcome'],
    buckets: [...LATENCY_BUCKETS_SECONDS, 120, 300, 600],
    registers: [registry],
  });
  return {
    dequeued(model, _tenant, waitMs, outcome) {
      wait.observe({ model, outcome }, waitMs / 1000);
    },
  };
}
