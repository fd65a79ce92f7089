/**
 * The weighted profile: ready and not excluded → filters → weighted scorers → highest total wins (ties
 * rotate). Implements {@link Picker}, so the proxy treats it like any other picker. The chosen endpoint's
 * total and per-scorer scores come back in `Pick.scores` for the routing span.
 */
import type { Filter, Scorer } from './plugin.ts';
import type { EndpointState, Pick, Picker, RoutingRequest } from './types.ts';

/** A scorer and its weight. */
export interface WeightedScorer {
  scorer: Scorer;
  weight: number;
}

/** Options of {@link profilePicker}. */
export interface ProfileOptions {
  name: string;
  filters: readonly Filter[];
  scorers: readonly WeightedScorer[];
  now?: () => number;
}

/** Creates a picker that runs a filter → scorer pipeline. */
export function profilePicker(options: ProfileOptions): Picker {
  const { filters, scorers } = options;
  const now = options.now ?? Date.now;
  const weightSum = scorers.reduce((s, w) => s + w.weight, 0);
  let turn = 0;
  return {
    name: options.name,
    pick(
      request: RoutingRequest,
      candidates: readonly EndpointState[],
      exclude?: ReadonlySet<string>,
    ): Pick | undefined {
      const ctx = { nowMs: now() };
      let endpoints = candidates.filter((e) => e.ready && !exclude?.has(e.id));
      for (const f of filters) {
        if (endpoints.length === 0) break;
        endpoints = f.filter(request, endpoints, ctx);
      }
      if (endpoints.length === 0) return undefined;
      const perScorer = scorers.map((s) => s.scorer.score(request, endpoints, ctx));
      const totals = endpoints.map((_, i) => {
        if (weightSum === 0) return 0;
        let sum = 0;
        scorers.forEach((s, k) => {
          sum += s.weight * Math.min(1, Math.max(0, perScorer[k]![i] ?? 0));
        });
        return Math.min(1, Math.max(0, sum / weightSum));
      });
      const best = Math.max(...totals);
      const top = endpoints.flatMap((_, i) => (totals[i]! >= best - 1e-9 ? [i] : []));
      const index = top[turn++ % top.length]!;
      return new ProfilePick(endpoints[index]!, totals[index]!, scorers, perScorer, index);
    },
  };
}

/** A profile's pick; its scores (read only for a recorded routing span) are put together when asked. */
class ProfilePick implements Pick {
  readonly endpoint: EndpointState;
  readonly #total: number;
  readonly #scorers: readonly WeightedScorer[];
  readonly #perScorer: readonly number[][];
  readonly #index: number;

  constructor(
    endpoint: EndpointState,
    total: number,
    scorers: readonly WeightedScorer[],
    perScorer: readonly number[][],
    index: number,
  ) {
    this.endpoint = endpoint;
    this.#total = total;
    this.#scorers = scorers;
    this.#perScorer = perScorer;
    this.#index = index;
  }

  get scores(): Record<string, number> {
    const scores: Record<string, number> = { total: round(this.#total) };
    this.#scorers.forEach((s, k) => {
      scores[s.scorer.type] = round(this.#perScorer[k]![this.#index] ?? 0);
    });
    return scores;
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
