/**
 * Filter `low-queue`: keeps endpoints whose engine reports at most `maxWaiting` queued requests (fresh
 * samples only; endpoints without a fresh sample are kept). Falls back to all when none qualifies.
 */
import { z } from 'zod';
import type { Filter } from '../plugin.ts';
import { freshEngine } from '../plugin.ts';

/** Config of the `low-queue` filter. */
export const lowQueueConfigSchema = z.strictObject({
  type: z.literal('low-queue'),
  /** Most `vllm:num_requests_waiting` an endpoint may report and still be kept. */
  maxWaiting: z.number().int().nonnegative().default(8),
  /** Samples older than this are ignored. */
  staleAfterMs: z.number().int().positive().default(3000),
});

/** Creates the `low-queue` filter. */
export function lowQueueFilter(config: z.input<typeof lowQueueConfigSchema>): Filter {
  const { maxWaiting, staleAfterMs } = lowQueueConfigSchema.parse(config);
  return {
    type: 'low-queue',
    filter(_request, endpoints, ctx) {
      const kept = endpoints.filter(
        (e) => (freshEngine(e, ctx.nowMs, staleAfterMs)?.waiting ?? 0) <= maxWaiting,
      );
      return kept.length > 0 ? kept : [...endpoints];
    },
  };
}
