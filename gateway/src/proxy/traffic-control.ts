/**
 * Assembles the traffic controls of the data path from configuration: the rate limiter and token estimator,
 * the admission queue, the per-model pickers with outlier ejection, the engine-metrics scraper and the
 * KEDA external scaler, all reading the one endpoint table. The proxy handler calls them in order:
 * reserve → admit → pick/send with retries → settle and release.
 */
import type { Registry } from 'prom-client';
import type { AdmissionQueue } from '../admission/admission-queue.ts';
import { createAdmissionQueue } from '../admission/admission-queue.ts';
import type { AdmissionConfig } from '../admission/config.ts';
import { policyFor, tenantClass } from '../admission/config.ts';
import { admissionMetrics } from '../admission/metrics.ts';
import type { EndpointTable } from '../discovery/endpoint-table.ts';
import type { RateLimitConfig } from '../ratelimit/config.ts';
import type { CountableBody, TokenEstimate, TokenEstimator } from '../ratelimit/estimate.ts';
import { countWithBackend, createTokenEstimator } from '../ratelimit/estimate.ts';
import type { RateLimiter } from '../ratelimit/limiter.ts';
import { createRateLimiter } from '../ratelimit/limiter.ts';
import { createMemoryStore } from '../ratelimit/memory-store.ts';
import { rateLimitMetrics } from '../ratelimit/metrics.ts';
import { createRedisStore } from '../ratelimit/redis-store.ts';
import type { RoutingConfig } from '../routing/config.ts';
import { createModelPickers } from '../routing/config.ts';
import type { MetricsScraper } from '../routing/metrics-scraper.ts';
import { createMetricsScraper } from '../routing/metrics-scraper.ts';
import type { OutlierDetector } from '../routing/outlier-detector.ts';
import { createOutlierDetector } from '../routing/outlier-detector.ts';
import type { EndpointState, EngineLoad, Picker } from '../routing/types.ts';
import type { ExternalScaler, ScalerConfig } from '../scaler/external-scaler.ts';
import { startConfiguredScaler } from '../scaler/external-scaler.ts';
import type { Logger } from '../telemetry/logger.ts';

/** The configuration sections the controls read. */
export interface TrafficControlConfig {
  rateLimits: RateLimitConfig;
  admission: AdmissionConfig;
  routing: RoutingConfig;
  scaler: ScalerConfig;
}

/** What the proxy handler uses. */
export interface TrafficControl {
  limiter: RateLimiter;
  queue: AdmissionQueue;
  outliers: OutlierDetector;
  scraper: MetricsScraper;
  maxAttempts: number;
  /**
   * Counted (`/tokenize`) or estimated tokens to reserve for a request: synchronous when estimated, a
   * promise when the engine is asked.
   */
  estimateTokens(model: string, body: CountableBody): TokenEstimate | Promise<TokenEstimate>;
  /** Feeds real prompt usage back into the estimate. */
  observeUsage(body: CountableBody, promptTokens: number): void;
  pickerFor(model: string): Picker;
  /** The model's endpoints with ejected ones marked not ready. */
  candidates(model: string): readonly EndpointState[];
  priorityOf(tenant: string): number;
  /** Models served or configured (a configured model with zero endpoints holds requests instead of 404). */
  isKnownModel(model: string): boolean;
  /** Records an engine-metrics sample of an endpoint and wakes its model's queue (the scraper's callback). */
  applyEngineLoad(id: string, load: EngineLoad): void;
  /** The external scaler's port, when it runs. */
  scalerPort(): number | undefined;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link createTrafficControl}. */
export interface TrafficControlOptions {
  config: TrafficControlConfig;
  endpoints: EndpointTable;
  registry: Registry;
  logger: Logger;
  /** Use this picker for every model (tests, baselines). */
  picker?: Picker;
  /**
   * Scrape the engines' `/metrics` here (default). A cluster worker passes false: its primary scrapes once
   * for all workers and forwards each sample to `applyEngineLoad`.
   */
  scrape?: boolean;
}

/** Builds the controls; call `start()` to begin scraping and serving the scaler. */
export function createTrafficControl(options: TrafficControlOptions): TrafficControl {
  const { config, endpoints, registry, logger } = options;
  const rl = config.rateLimits;
  const store =
    rl.store === 'redis'
      ? createRedisStore({
          url: rl.redis.url,
          keyPrefix: rl.redis.keyPrefix,
          commandTimeoutMs: rl.redis.commandTimeoutMs,
          onError: () => {}, // the limiter logs failures, throttled
        })
      : createMemoryStore();
  const limiter = createRateLimiter({
    rules: rl.rules,
    store,
    failurePolicy: rl.failurePolicy,
    failureLogIntervalMs: rl.failureLogIntervalMs,
    log: (message) => logger.warn(message),
    observer: rateLimitMetrics(registry),
  });
  const estimator: TokenEstimator = createTokenEstimator({
    charsPerToken: rl.charsPerToken,
    defaultMaxTokens: rl.defaultMaxTokens,
  });

  const r = config.routing;
  const outliers = createOutlierDetector({
    ...r.outlier,
    onChange: (id, state) => logger.warn({ endpoint: id, state }, `endpoint ${state}`),
  });
  const candidates = (model: string) => outliers.apply(endpoints.forModel(model));
  const pickers = createModelPickers(r);
  const pickerFor = options.picker ? () => options.picker! : pickers;

  const queueStats = { models: () => queue.models(), stats: (m: string) => queue.stats(m) };
  // The configuration does not change while the gateway runs: merge each model's policy once.
  const policies = new Map<string, ReturnType<typeof policyFor>>();
  const policy = (model: string) => {
    let found = policies.get(model);
    if (!found) {
      found = policyFor(config.admission, model);
      policies.set(model, found);
    }
    return found;
  };
  const queue: AdmissionQueue = createAdmissionQueue({
    endpoints: candidates,
    policy,
    tenantWeight: (tenant) => tenantClass(config.admission, tenant).weight,
    observer: admissionMetrics(registry, queueStats),
  });

  const applyEngineLoad = (id: string, load: EngineLoad) => {
    const endpoint = endpoints.byId(id);
    if (!endpoint) return;
    endpoint.engine = load;
    queue.notify(endpoint.model);
  };
  const scrape = options.scrape ?? true;
  const scraper = createMetricsScraper({
    intervalMs: r.scrape.intervalMs,
    timeoutMs: r.scrape.timeoutMs,
    onLoad: applyEngineLoad,
  });
  const retarget = () => {
    if (scrape) scraper.setTargets(scrapeTargets(endpoints));
  };
  retarget();
  const unsubscribe = endpoints.onChange(() => {
    retarget();
    queue.notify(); // an endpoint turning ready releases held requests at once
  });
  let scaler: ExternalScaler | undefined;

  return {
    limiter,
    queue,
    outliers,
    scraper,
    maxAttempts: r.retries.maxAttempts,
    estimateTokens(model, body) {
      if (!rl.tokenizeWithBackend || rl.rules.length === 0) return estimator.estimate(body);
      const endpoint = candidates(model).find((e) => e.ready);
      if (!endpoint) return estimator.estimate(body);
      return countWithBackend(endpoint.url, model, body, { timeoutMs: rl.tokenizeTimeoutMs }).then(
        (counted) => estimator.estimate(body, counted),
      );
    },
    observeUsage: (body, promptTokens) => estimator.observe(body, promptTokens),
    pickerFor,
    candidates,
    priorityOf: (tenant) => tenantClass(config.admission, tenant).priority,
    isKnownModel: (model) => endpoints.hasModel(model) || model in config.admission.models,
    applyEngineLoad,
    scalerPort: () => scaler?.port,
    async start() {
      if (scrape) scraper.start();
      if (!(await limiter.ready(rl.redis.connectTimeoutMs))) {
        logger.warn(`rate-limit store not reachable at start; failing ${rl.failurePolicy} until it is`);
      }
      scaler = await startConfiguredScaler(queue, config.scaler, logger);
    },
    async close() {
      unsubscribe();
      scraper.stop();
      await scaler?.close();
      await limiter.close();
    },
  };
}

/** The scrape targets of an endpoint table. */
export function scrapeTargets(endpoints: EndpointTable): { id: string; url: string; model: string }[] {
  return endpoints.all().map((e) => ({ id: e.id, url: e.url, model: e.model }));
}
