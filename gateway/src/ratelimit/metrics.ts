/** Prometheus metrics of rate limiting, registered on the gateway's registry. */
import { GatewayMetric } from '@switchyard/api';
import type { Registry } from 'prom-client';
import { Counter } from 'prom-client';
import type { RateLimitObserver } from './limiter.ts';

/** Creates the counters on `registry` and returns the limiter observer that feeds them. */
export function rateLimitMetrics(registry: Registry): RateLimitObserver {
  const limited = new Counter({
    name: GatewayMetric.rateLimitedTotal,
    help: 'Requests rejected with 429 by a rate-limit rule, by model, tenant, rule and unit (requests or tokens).',
    labelNames: ['model', 'tenant', 'rule', 'kind'],
    registers: [registry],
  });
  const failures = new Counter({
    name: GatewayMetric.rateLimitStoreFailuresTotal,
    help: 'Rate-limit store operations that failed (store unreachable or too slow), by the policy applied.',
    labelNames: ['policy'],
    registers: [registry],
  });
  return {
    limited(who, rule, unit) {
      limited.inc({ model: who.model, tenant: who.tenant ?? 'none', rule, kind: unit });
    },
    storeFailure(policy) {
      failures.inc({ policy });
    },
  };
}
