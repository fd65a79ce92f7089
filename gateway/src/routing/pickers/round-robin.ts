/** Picker `round-robin`: the baseline; ready endpoints in turn, ignoring load. */
import type { EndpointState, Picker } from '../types.ts';

/** Creates a round-robin picker. */
export function roundRobinPicker(): Picker {
  let turn = 0;
  return {
    name: 'round-robin',
    pick(_request, candidates, exclude) {
      const ready: EndpointState[] = candidates.filter((e) => e.ready && !exclude?.has(e.id));
      if (ready.length === 0) return undefined;
      const endpoint = ready[turn++ % ready.length]!;
      return { endpoint, scores: {} };
    },
  };
}
