/** The default picker of the gateway core: fewest requests in flight from this gateway, ties broken in turn. */
import type { EndpointState, Pick, Picker, RoutingRequest } from './types.ts';

/** Creates a least-outstanding-requests picker. Ties rotate so equal endpoints share load evenly. */
export function leastOutstandingPicker(): Picker {
  let turn = 0;
  return {
    name: 'least-outstanding',
    pick(
      _request: RoutingRequest,
      candidates: readonly EndpointState[],
      exclude?: ReadonlySet<string>,
    ): Pick | undefined {
      let best: EndpointState[] = [];
      let bestLoad = Number.POSITIVE_INFINITY;
      for (const endpoint of candidates) {
        if (!endpoint.ready || exclude?.has(endpoint.id)) continue;
        if (endpoint.outstanding < bestLoad) {
          bestLoad = endpoint.outstanding;
          best = [endpoint];
        } else if (endpoint.outstanding === bestLoad) {
          best.push(endpoint);
        }
      }
      if (best.length === 0) return undefined;
      const endpoint = best[turn++ % best.length]!;
      return { endpoint, scores: { outstanding: endpoint.outstanding } };
    },
  };
}
