/**
 * Routing contracts: the endpoint snapshot the data path reads, and the picker that chooses one endpoint.
 *
 * Everything here is plain data so routing stays pure: a picker takes a request and a snapshot and returns a choice.
 */

/** Engine-side load scraped from a pod's `/metrics` (vLLM names). */
export interface EngineLoad {
  /** `vllm:num_requests_waiting` */
  waiting: number;
  /** `vllm:num_requests_running` */
  running: number;
  /** `vllm:kv_cache_usage_perc`, 0..1 */
  kvCacheUsage: number;
  /** When the sample was taken (ms since epoch); stale samples are ignored by scorers. */
  scrapedAtMs: number;
}

/** One serving endpoint (a vLLM pod) as the gateway sees it. */
export interface EndpointState {
  /** Stable id, e.g. `namespace/pod-name` or the static config's name. */
  id: string;
  /** Base URL without the `/v1` suffix, e.g. `http://10.0.0.7:8000`. */
  url: string;
  /** The model this endpoint serves (the served model name). */
  model: string;
  /** Ready to take traffic (pod Ready, not ejected). */
  ready: boolean;
  /** Requests this gateway has in flight to the endpoint. */
  outstanding: number;
  /** Last engine metrics sample, when scraping is on. */
  engine?: EngineLoad;
}

/** What routing knows about a request. */
export interface RoutingRequest {
  model: string;
  tenant?: string;
  /** Text of the prompt's leading part, for prefix affinity. */
  prefixText?: string;
  /** Prompt tokens (counted or estimated). */
  promptTokens?: number;
}

/** A choice and why it was made (the scores go into the routing span). */
export interface Pick {
  endpoint: EndpointState;
  scores: Record<string, number>;
}

/** Chooses one endpoint among candidates; `undefined` when none can take the request. */
export interface Picker {
  readonly name: string;
  pick(
    request: RoutingRequest,
    candidates: readonly EndpointState[],
    exclude?: ReadonlySet<string>,
  ): Pick | undefined;
}
