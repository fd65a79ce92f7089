/**
 * sim/observability — Prometheus metrics under vLLM's names, labels and bucket boundaries, one
 * registry per simulator (two replicas in one process never share counters). Gauges and engine
 * counters are read from the engine at scrape time, so the hot path only observes histograms.
 */
import { VllmMetric } from '@switchyard/api';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from '../engine/engine.ts';
import type { FinishReason, Sequence } from '../engine/sequence.ts';

// vLLM's own buckets (vllm/v1/metrics/loggers.py), so histogram_quantile reads alike on both.
const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
  80.0, 160.0, 640.0, 2560.0,
];
const TOKEN_LATENCY_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
];
const REQUEST_LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
  960.0, 1920.0, 7680.0,
];

type Observer = { observe(value: number): void };

/** vLLM's cache-configuration info metric (not in `VllmMetric`: it carries config, not load). */
const CACHE_CONFIG_INFO = 'vllm:cache_config_info';
/** Further vLLM request histograms its Grafana dashboard plots (names as vLLM's, not in `VllmMetric`). */
const REQUEST_PROMPT_TOKENS = 'vllm:request_prompt_tokens';
const REQUEST_GENERATION_TOKENS = 'vllm:request_generation_tokens';
const REQUEST_INFERENCE_TIME = 'vllm:request_inference_time_seconds';

/** vLLM's 1-2-5 buckets up to the context window, for token-count histograms. */
function buckets125(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp > max) return out;
      out.push(m * exp);
    }
  }
}

/** The simulator's metrics for one served model. */
export class SimMetrics {
  readonly registry = new Registry();
  readonly #ttft: Observer;
  readonly #itl: Observer;
  readonly #tpot: Observer;
  readonly #e2e: Observer;
  readonly #queue: Observer;
  readonly #prefill: Observer;
  readonly #decode: Observer;
  readonly #inference: Observer;
  readonly #promptTokens: Observer;
  readonly #generationTokens: Observer;
  readonly #success: Counter<'model_name' | 'engine' | 'finished_reason'>;
  readonly #labels: { model_name: string; engine: string };

  constructor(modelName: string, engine: Engine) {
    const labels = { model_name: modelName, engine: '0' };
    this.#labels = labels;
    const labelNames = ['model_name', 'engine'] as const;
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.set(labels, read());
        },
      });
    gauge(
      VllmMetric.numRequestsRunning,
      'Number of requests in model execution batches.',
      () => engine.stats().running,
    );
    gauge(
      VllmMetric.numRequestsWaiting,
      'Number of requests waiting to be processed.',
      () => engine.stats().waiting,
    );
    gauge(VllmMetric.kvCacheUsagePerc, 'KV-cache usage. 1 means 100 percent usage.', () => engine.kv.usage);
    // vLLM publishes its cache configuration as labels of a constant gauge; KV-aware routers read it.
    const c = engine.config;
    const cacheLabels = {
      block_size: String(c.blockSize),
      num_gpu_blocks: String(c.numGpuBlocks),
      num_cpu_blocks: '0',
      enable_prefix_caching: c.enablePrefixCaching ? 'True' : 'False',
      cache_dtype: 'auto',
    };
    new Gauge({
      name: CACHE_CONFIG_INFO,
      help: 'Information of the LLMEngine CacheConfig',
      labelNames: Object.keys(cacheLabels),
      registers,
    }).set(cacheLabels, 1);

    // Counters mirror engine totals: on scrape, add what grew since the last scrape.
    const counter = (name: string, help: string, read: () => number) => {
      let reported = 0;
      const c = new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          const total = read();
          if (total > reported) this.inc(labels, total - reported);
          reported = total;
        },
      });
      c.inc(labels, 0);
    };
    counter(
      VllmMetric.numPreemptionsTotal,
      'Cumulative number of preemption from the engine.',
      () => engine.stats().preemptions,
    );
    counter(
      VllmMetric.promptTokensTotal,
      'Number of prefill tokens processed.',
      () => engine.stats().promptTokens,
    );
    counter(
      VllmMetric.generationTokensTotal,
      'Number of generation tokens processed.',
      () => engine.stats().generationTokens,
    );
    counter(
      VllmMetric.prefixCacheQueriesTotal,
      'Prefix cache queries, in terms of number of queried tokens.',
      () => engine.kv.stats.queriedTokens,
    );
    counter(
      VllmMetric.prefixCacheHitsTotal,
      'Prefix cache hits, in terms of number of cached tokens.',
      () => engine.kv.stats.hitTokens,
    );
    this.#success = new Counter({
      name: VllmMetric.requestSuccessTotal,
      help: 'Count of successfully processed requests.',
      labelNames: [...labelNames, 'finished_reason'],
      registers,
    });
    for (const reason of ['stop', 'length'] as const)
      this.#success.inc({ ...labels, finished_reason: reason }, 0);

    const histogram = (name: string, help: string, buckets: number[]) =>
      new Histogram({ name, help, labelNames, buckets, registers }).labels(labels);
    this.#ttft = histogram(
      VllmMetric.timeToFirstTokenSeconds,
      'Histogram of time to first token in seconds.',
      TTFT_BUCKETS,
    );
    this.#itl = histogram(
      VllmMetric.interTokenLatencySeconds,
      'Histogram of inter-token latency in seconds.',
      TOKEN_LATENCY_BUCKETS,
    );
    this.#tpot = histogram(
      VllmMetric.timePerOutputTokenSeconds,
      'Histogram of time per output token in seconds.',
      TOKEN_LATENCY_BUCKETS,
    );
    this.#e2e = histogram(
      VllmMetric.e2eRequestLatencySeconds,
      'Histogram of e2e request latency in seconds.',
      REQUEST_LATENCY_BUCKETS,
    );
    this.#queue = histogram(
      VllmMetric.requestQueueTimeSeconds,
      'Histogram of time spent in WAITING phase for request.',
      REQUEST_LATENCY_BUCKETS,
    );
    this.#prefill = histogram(
      VllmMetric.requestPrefillTimeSeconds,
      'Histogram of time spent in PREFILL phase for request.',
      REQUEST_LATENCY_BUCKETS,
    );
    this.#decode = histogram(
      VllmMetric.requestDecodeTimeSeconds,
      'Histogram of time spent in DECODE phase for request.',
      REQUEST_LATENCY_BUCKETS,
    );
    this.#inference = histogram(
      REQUEST_INFERENCE_TIME,
      'Histogram of time spent in RUNNING phase for request.',
      REQUEST_LATENCY_BUCKETS,
    );
    const tokenBuckets = buckets125(c.maxModelLen);
    this.#promptTokens = histogram(
      REQUEST_PROMPT_TOKENS,
      'Number of prefill tokens processed.',
      tokenBuckets,
    );
    this.#generationTokens = histogram(
      REQUEST_GENERATION_TOKENS,
      'Number of generation tokens processed.',
      tokenBuckets,
    );
  }

  /** Records one produced token; `prevTokenMs` is the previous token's time (NaN for the first). */
  observeToken(seq: Sequence, prevTokenMs: number): void {
    const t = seq.times;
    if (Number.isNaN(prevTokenMs)) this.#ttft.observe((t.firstTokenMs - t.arrivalMs) / 1000);
    else this.#itl.observe((t.lastTokenMs - prevTokenMs) / 1000);
  }

  /** Records a finished request (aborted ones count only in the engine gauges, as in vLLM). */
  observeFinish(seq: Sequence, reason: FinishReason): void {
    if (reason === 'abort') return;
    const t = seq.times;
    this.#success.inc({ ...this.#labels, finished_reason: reason });
    this.#e2e.observe((t.finishedMs - t.arrivalMs) / 1000);
    this.#queue.observe(Math.max(0, t.scheduledMs - t.queuedMs) / 1000);
    this.#prefill.observe((t.firstTokenMs - t.scheduledMs) / 1000);
    this.#decode.observe((t.lastTokenMs - t.firstTokenMs) / 1000);
    this.#inference.observe((t.finishedMs - t.scheduledMs) / 1000);
    this.#promptTokens.observe(seq.spec.promptTokens);
    this.#generationTokens.observe(seq.outputTokens);
    if (seq.outputTokens > 1)
      this.#tpot.observe((t.lastTokenMs - t.firstTokenMs) / 1000 / (seq.outputTokens - 1));
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
