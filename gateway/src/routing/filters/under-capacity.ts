/**
 * Filter `under-capacity`: keeps endpoints with fewer requests in flight from this gateway than the
 * per-endpoint concurrency cap. When every endpoint is at its cap it keeps them all (the admission queue,
 * not routing, decides whether to wait).
 */
import { z } from 'zod';
import type { Filter } from '../plugin.ts';

/** Config of the `under-capacity` filter. */
export const underCapacityConfigSchema = z.strictObject({
  type: z.literal('under-capacity'),
  /** Requests in flight per endpoint before it counts as full. */
  maxConcurrency: z.number().int().positive().default(16),
});

/** Creates the `under-capacity` filter. */
export function underCapacityFilter(config: z.input<typeof underCapacityConfigSchema>): Filter {
  const { maxConcurrency } = underCapacityConfigSchema.parse(config);
  return {
    type: 'under-capacity',
    filter(_request, endpoints) {
      const open = endpoints.filter((e) => e.outstanding < maxConcurrency);
      return open.length > 0 ? open : [...endpoints];
    },
  };
}
