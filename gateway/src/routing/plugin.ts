/**
 * The plugin contracts of the routing pipeline: filters drop endpoints, scorers give each remaining
 * endpoint a value in [0,1], a profile weighs the scores and a picker chooses. Plugins are pure: they see
 * the request, the candidate endpoints and the time, nothing else.
 */
import type { EndpointState, RoutingRequest } from './types.ts';

/** What every plugin may read besides the request and endpoints. */
export interface RoutingContext {
  nowMs: number;
}

/** Drops endpoints that should not take the request. */
export interface Filter {
  readonly type: string;
  filter(request: RoutingRequest, endpoints: readonly EndpointState[], ctx: RoutingContext): EndpointState[];
}

/** Scores endpoints; returns one value in [0,1] per endpoint, in order (higher is better). */
export interface Scorer {
  readonly type: string;
  score(request: RoutingRequest, endpoints: readonly EndpointState[], ctx: RoutingContext): number[];
}

/** Score given to an endpoint a scorer knows nothing about (no fresh metrics): neither favoured nor shunned. */
export const NEUTRAL_SCORE = 0.5;

/**
 * Min-max normalisation of a "lower is better" quantity across candidates: the lowest gets 1, the highest 0,
 * equal values all 1. `undefined` values (unknown) get {@link NEUTRAL_SCORE}.
 */
export function lowerIsBetter(values: readonly (number | undefined)[]): number[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v === undefined) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return values.map((v) => {
    if (v === undefined) return NEUTRAL_SCORE;
    return max === min ? 1 : (max - v) / (max - min);
  });
}

/** Whether an endpoint's engine sample is recent enough to trust. */
export function freshEngine(endpoint: EndpointState, nowMs: number, staleAfterMs: number) {
  const e = endpoint.engine;
  return e && nowMs - e.scrapedAtMs <= staleAfterMs ? e : undefined;
}
