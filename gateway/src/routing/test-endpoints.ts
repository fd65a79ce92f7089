/** Hand-built endpoints for routing tests (test helper, not exported from the package). */
import type { EndpointState, EngineLoad } from './types.ts';

/** Time the fixtures are sampled at. */
export const NOW_MS = 1_000_000;

/** An endpoint with `outstanding` requests and, when given, an engine sample taken `ageMs` before {@link NOW_MS}. */
export function endpoint(
  id: string,
  outstanding = 0,
  engine?: Partial<Omit<EngineLoad, 'scrapedAtMs'>> & { ageMs?: number },
  ready = true,
): EndpointState {
  const e: EndpointState = { id, url: `http://${id}`, model: 'm', ready, outstanding };
  if (engine) {
    e.engine = {
      waiting: engine.waiting ?? 0,
      running: engine.running ?? 0,
      kvCacheUsage: engine.kvCacheUsage ?? 0,
      scrapedAtMs: NOW_MS - (engine.ageMs ?? 0),
    };
  }
  return e;
}
