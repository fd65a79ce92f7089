/**
 * Samplers read the system under test while load runs: the gateway's `llm_queue_depth` (or, without a
 * gateway queue, the engines' `vllm:num_requests_waiting`) from a Prometheus text endpoint.
 */
import { GatewayMetric, VllmMetric } from '@switchyard/api';
import type { SystemSample } from './collector.ts';

/** Reads one sample; failures resolve to an empty sample. */
export type Sampler = () => Promise<SystemSample>;

/** Sums every series of `name` in Prometheus text exposition; undefined when the metric is absent. */
export function sumMetric(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(
      rest
        .slice(rest.lastIndexOf(rest[0] === '{' ? '}' : ' ') + 1)
        .trim()
        .split(' ')[0],
    );
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** A sampler over Prometheus endpoints (e.g. the gateway's admin `/metrics`, or each engine's). */
export function prometheusSampler(urls: readonly string[]): Sampler {
  return async () => {
    let queue: number | undefined;
    let waiting: number | undefined;
    await Promise.all(
      urls.map(async (url) => {
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
          const text = await response.text();
          const q = sumMetric(text, GatewayMetric.queueDepth);
          const w = sumMetric(text, VllmMetric.numRequestsWaiting);
          if (q !== undefined) queue = (queue ?? 0) + q;
          if (w !== undefined) waiting = (waiting ?? 0) + w;
        } catch {
          // A missed sample is a gap in the chart, not a failed run.
        }
      }),
    );
    const queueDepth = queue ?? waiting;
    return queueDepth === undefined ? {} : { queueDepth };
  };
}
