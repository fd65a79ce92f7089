/**
 * Passive outlier ejection: an endpoint that fails `consecutiveFailures` times in a row (connect errors,
 * 5xx) is ejected for a while; when the time is up it is half-open and takes one probe request. A probe
 * that succeeds closes it; one that fails ejects it again for twice as long (up to a maximum).
 */
import type { Clock } from '../ratelimit/clock.ts';
import { systemScheduler } from '../ratelimit/clock.ts';
import type { EndpointState } from './types.ts';

/** Options of {@link createOutlierDetector}. */
export interface OutlierOptions {
  consecutiveFailures: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  clock?: Clock;
  /** Told when an endpoint is ejected or recovers (logs, metrics). */
  onChange?: (id: string, state: 'ejected' | 'recovered') => void;
}

/** An endpoint's health as the detector sees it. */
export type OutlierState = 'healthy' | 'ejected' | 'half-open';

/** The detector's surface. */
export interface OutlierDetector {
  state(id: string): OutlierState;
  /** Whether routing may send a request now (healthy, or half-open with no probe in flight). */
  isAvailable(id: string): boolean;
  /** Marks that a request was sent; for a half-open endpoint it becomes the probe. */
  recordAttempt(id: string): void;
  recordSuccess(id: string): void;
  recordFailure(id: string): void;
  /** Endpoints routing may use, with ejected ones marked not ready. */
  apply(endpoints: readonly EndpointState[]): readonly EndpointState[];
}

interface Health {
  failures: number;
  ejectedUntilMs: number;
  ejectionMs: number;
  probing: boolean;
}

/** Creates an {@link OutlierDetector}. */
export function createOutlierDetector(options: OutlierOptions): OutlierDetector {
  const clock = options.clock ?? systemScheduler;
  const health = new Map<string, Health>();
  const get = (id: string): Health => {
    let h = health.get(id);
    if (!h) {
      h = { failures: 0, ejectedUntilMs: 0, ejectionMs: 0, probing: false };
      health.set(id, h);
    }
    return h;
  };
  const state = (id: string): OutlierState => {
    const h = health.get(id);
    if (!h || h.ejectionMs === 0) return 'healthy';
    return clock.now() < h.ejectedUntilMs ? 'ejected' : 'half-open';
  };
  const eject = (id: string, h: Health, ms: number) => {
    h.ejectionMs = Math.min(options.maxEjectionMs, ms);
    h.ejectedUntilMs = clock.now() + h.ejectionMs;
    h.probing = false;
    options.onChange?.(id, 'ejected');
  };
  const detector: OutlierDetector = {
    state,
    isAvailable(id) {
      const s = state(id);
      return s === 'healthy' || (s === 'half-open' && !get(id).probing);
    },
    recordAttempt(id) {
      if (state(id) === 'half-open') get(id).probing = true;
    },
    recordSuccess(id) {
      const h = health.get(id);
      if (!h) return;
      const wasEjected = h.ejectionMs > 0;
      health.delete(id);
      if (wasEjected) options.onChange?.(id, 'recovered');
    },
    recordFailure(id) {
      const h = get(id);
      const s = state(id);
      if (s === 'half-open') return eject(id, h, h.ejectionMs * 2);
      if (s === 'ejected') return;
      h.failures++;
      if (h.failures >= options.consecutiveFailures) eject(id, h, options.baseEjectionMs);
    },
    apply(endpoints) {
      // The same array when nothing is ejected (the common case, asked several times per request).
      if (health.size === 0) return endpoints;
      return endpoints.map((e) => (e.ready && !detector.isAvailable(e.id) ? { ...e, ready: false } : e));
    },
  };
  return detector;
}
