/**
 * How many requests a model's endpoints can hold right now, and whether an endpoint is saturated: at its
 * per-endpoint concurrency cap, or its engine reports more waiting requests than the threshold (fresh
 * samples only). A saturated endpoint keeps what it holds but takes no more.
 */
import type { EndpointState } from '../routing/types.ts';

/** When an endpoint counts as saturated. */
export interface SaturationPolicy {
  /** Requests in flight from this gateway per endpoint. */
  maxConcurrency: number;
  /** `vllm:num_requests_waiting` above which the endpoint takes no more. */
  maxWaiting: number;
  /** Engine samples older than this are ignored. */
  staleAfterMs: number;
}

/** Whether one endpoint should take no more requests. */
export function isSaturated(e: EndpointState, policy: SaturationPolicy, nowMs: number): boolean {
  if (e.outstanding >= policy.maxConcurrency) return true;
  const engine = e.engine;
  return !!engine && nowMs - engine.scrapedAtMs <= policy.staleAfterMs && engine.waiting > policy.maxWaiting;
}

/** Requests the ready endpoints can hold in total (what they hold now plus free slots). */
export function modelCapacity(
  endpoints: readonly EndpointState[],
  policy: SaturationPolicy,
  nowMs: number,
): number {
  let total = 0;
  for (const e of endpoints) {
    if (!e.ready) continue;
    total += isSaturated(e, policy, nowMs)
      ? Math.min(e.outstanding, policy.maxConcurrency)
      : policy.maxConcurrency;
  }
  return total;
}

/** Whether any endpoint is ready. */
export function hasReadyEndpoint(endpoints: readonly EndpointState[]): boolean {
  return endpoints.some((e) => e.ready);
}
