/**
 * Names a bottleneck in the analysis guide's terms (docs/bottleneck-analysis.md) from where request time
 * went, with the evidence: queue-bound (waiting for a slot, at the gateway or in the engine's scheduler),
 * compute-bound (prefill: long prompts, TTFT rising with prompt length), memory-bound (decode: each token
 * reads the weights and the KV cache, so TPOT grows with batch size), I/O-bound (time between gateway and
 * engine outside both: connect, network, serialization), software-bound (gateway code: auth, rate limit,
 * routing, relay).
 */

/** The five classes. */
export type BottleneckClass =
  | 'queue-bound'
  | 'compute-bound'
  | 'memory-bound'
  | 'I/O-bound'
  | 'software-bound';

/** Summed time of each component over the analyzed requests, ms (the shares are taken of `totalMs`). */
export interface TimeBudget {
  requests: number;
  totalMs: number;
  gatewayQueueMs: number;
  engineQueueMs: number;
  prefillMs: number;
  decodeMs: number;
  transportMs: number;
  /** auth + rate limit + routing + the gateway's unaccounted time. */
  gatewaySoftwareMs: number;
  /** Median time per output token after the first, when known. */
  tpotP50Ms?: number;
  /** Time per output token of the fastest tenth of requests: the uncontended decode speed. */
  tpotP10Ms?: number;
}

/** A classification and why. */
export interface Classification {
  primary: BottleneckClass;
  /** Share of request time per class, 0-1. */
  shares: Record<BottleneckClass, number>;
  /** Other classes past their threshold. */
  secondary: BottleneckClass[];
  evidence: string[];
  /** Where to look next, from the guide. */
  nextSteps: string[];
}

/** Share of request time past which a class is flagged even when it is not the largest. */
export const THRESHOLDS: Readonly<Record<BottleneckClass, number>> = {
  'queue-bound': 0.2,
  'software-bound': 0.1,
  'I/O-bound': 0.1,
  'compute-bound': 0.4,
  'memory-bound': 0.6,
};

const NEXT_STEPS: Readonly<Record<BottleneckClass, string>> = {
  'queue-bound':
    'More replicas or a lower KEDA target: check llm_queue_depth, llm_queue_wait_seconds, vllm:num_requests_waiting and the ScaledObject.',
  'compute-bound':
    'Prefill dominates: shorter or cached prompts (prefix caching, prefix-affinity routing), chunked prefill, more compute; check vllm:request_prefill_time_seconds and prefix cache hit rate.',
  'memory-bound':
    'Decode dominates: TPOT grows with batch size; check vllm:kv_cache_usage_perc, vllm:num_preemptions_total and vllm:inter_token_latency_seconds; cap max_num_seqs, quantize, or add replicas.',
  'I/O-bound':
    'Time between gateway and engine outside both: check llm_upstream_duration_seconds against vllm:e2e_request_latency_seconds, connection reuse, network path.',
  'software-bound':
    'Gateway code: check the gateway.* span durations, event-loop lag and CPU of the gateway pods; run bench:gateway.',
};

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;

/** Classifies a time budget: the class with the largest share of its threshold wins. */
export function classifyBottleneck(b: TimeBudget): Classification {
  const total = b.totalMs > 0 ? b.totalMs : 1;
  const shares: Record<BottleneckClass, number> = {
    'queue-bound': (b.gatewayQueueMs + b.engineQueueMs) / total,
    'compute-bound': b.prefillMs / total,
    'memory-bound': b.decodeMs / total,
    'I/O-bound': b.transportMs / total,
    'software-bound': b.gatewaySoftwareMs / total,
  };
  const classes = Object.keys(shares) as BottleneckClass[];
  const pressure = (c: BottleneckClass) => shares[c] / THRESHOLDS[c];
  const ranked = [...classes].sort((x, y) => pressure(y) - pressure(x));
  const primary = ranked[0]!;
  const secondary = ranked.slice(1).filter((c) => shares[c] >= THRESHOLDS[c]);
  const per = (v: number) => ms(v / Math.max(1, b.requests));
  const evidence = [
    `queue wait ${pct(shares['queue-bound'])} of request time (gateway ${per(b.gatewayQueueMs)}, engine scheduler ${per(b.engineQueueMs)} per request)`,
    `prefill ${pct(shares['compute-bound'])} (${per(b.prefillMs)} per request)`,
    `decode ${pct(shares['memory-bound'])} (${per(b.decodeMs)} per request${b.tpotP50Ms !== undefined ? `, TPOT p50 ${ms(b.tpotP50Ms)}` : ''})`,
    `transport gateway↔engine ${pct(shares['I/O-bound'])} (${per(b.transportMs)} per request)`,
    `gateway software ${pct(shares['software-bound'])} (${per(b.gatewaySoftwareMs)} per request)`,
  ];
  if (primary === 'memory-bound' && b.tpotP50Ms !== undefined && b.tpotP10Ms !== undefined) {
    // Decode always dominates long answers; it is a bottleneck only when contention inflates TPOT.
    const inflation = b.tpotP50Ms / Math.max(b.tpotP10Ms, 1e-6);
    evidence.push(
      inflation <= 1.5
        ? `TPOT p50 ${ms(b.tpotP50Ms)} is within 1.5x of the fastest requests' ${ms(b.tpotP10Ms)}: decode is not contended, the time is answer length`
        : `TPOT p50 ${ms(b.tpotP50Ms)} is ${inflation.toFixed(1)}x the fastest requests' ${ms(b.tpotP10Ms)}: decode slows under batch pressure`,
    );
  }
  return {
    primary,
    shares,
    secondary,
    evidence,
    nextSteps: [primary, ...secondary].map((c) => NEXT_STEPS[c]),
  };
}
