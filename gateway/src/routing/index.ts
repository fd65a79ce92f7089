/** Routing: filters → scorers → weighted profile → picker, plus metrics scraping, outlier ejection and retries. */

export type { ProfileConfig, RoutingConfig } from './config.ts';
export {
  createModelPickers,
  createProfilePicker,
  DEFAULT_PROFILE,
  formatConfigPath,
  loadRoutingConfig,
  RoutingConfigError,
  routingConfigSchema,
} from './config.ts';
export type { HashRing } from './consistent-hash.ts';
export { buildRing, fnv1a, pickBounded } from './consistent-hash.ts';
export { ENGINE_METRIC_NAMES, engineLoadFrom, parseEngineLoad } from './engine-load.ts';
export { lowQueueFilter } from './filters/low-queue.ts';
export { underCapacityFilter } from './filters/under-capacity.ts';
export { leastOutstandingPicker } from './least-outstanding.ts';
export type { MetricsScraper, MetricsScraperOptions, ScrapeTarget } from './metrics-scraper.ts';
export { createMetricsScraper } from './metrics-scraper.ts';
export type { OutlierDetector, OutlierOptions, OutlierState } from './outlier-detector.ts';
export { createOutlierDetector } from './outlier-detector.ts';
export { roundRobinPicker } from './pickers/round-robin.ts';
export type { Filter, RoutingContext, Scorer } from './plugin.ts';
export { freshEngine, lowerIsBetter, NEUTRAL_SCORE } from './plugin.ts';
export type { ProfileOptions, WeightedScorer } from './profile.ts';
export { profilePicker } from './profile.ts';
export type { Sample } from './prometheus-text.ts';
export { parsePrometheusText } from './prometheus-text.ts';
export type { RetryOptions } from './retry-policy.ts';
export { isConnectError, isRetryableStatus, NoEndpointError, RetryPlan } from './retry-policy.ts';
export { kvCacheScorer } from './scorers/kv-cache.ts';
export { outstandingScorer } from './scorers/outstanding.ts';
export { prefixAffinityScorer } from './scorers/prefix-affinity.ts';
export { queueDepthScorer } from './scorers/queue-depth.ts';
export type { EndpointState, EngineLoad, Pick, Picker, RoutingRequest } from './types.ts';
