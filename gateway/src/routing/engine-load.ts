/** Turns vLLM's `/metrics` samples into the {@link EngineLoad} the scorers read. */
import { VllmMetric } from '@switchyard/api';
import type { Sample } from './prometheus-text.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import type { EngineLoad } from './types.ts';

/** Older vLLM releases name KV-cache usage after the GPU. */
const LEGACY_KV_CACHE = 'vllm:gpu_cache_usage_perc';

/** The metric names the scraper keeps. */
export const ENGINE_METRIC_NAMES: ReadonlySet<string> = new Set([
  VllmMetric.numRequestsWaiting,
  VllmMetric.numRequestsRunning,
  VllmMetric.kvCacheUsagePerc,
  LEGACY_KV_CACHE,
]);

/**
 * Sums waiting and running and takes the highest KV-cache usage over the samples of `modelName`
 * (all samples when it is undefined or the pod labels none). Returns `undefined` when no gauge is present.
 */
export function engineLoadFrom(
  samples: readonly Sample[],
  scrapedAtMs: number,
  modelName?: string,
): EngineLoad | undefined {
  let waiting = 0;
  let running = 0;
  let kv = 0;
  let seen = false;
  for (const s of samples) {
    const m = s.labels.model_name;
    if (modelName !== undefined && m !== undefined && m !== modelName) continue;
    if (s.name === VllmMetric.numRequestsWaiting) waiting += s.value;
    else if (s.name === VllmMetric.numRequestsRunning) running += s.value;
    else if (s.name === VllmMetric.kvCacheUsagePerc || s.name === LEGACY_KV_CACHE) kv = Math.max(kv, s.value);
    else continue;
    seen = true;
  }
  return seen ? { waiting, running, kvCacheUsage: kv, scrapedAtMs } : undefined;
}

/** Parses `/metrics` text straight to an {@link EngineLoad}. */
export function parseEngineLoad(
  text: string,
  scrapedAtMs: number,
  modelName?: string,
): EngineLoad | undefined {
  return engineLoadFrom(parsePrometheusText(text, ENGINE_METRIC_NAMES), scrapedAtMs, modelName);
}
