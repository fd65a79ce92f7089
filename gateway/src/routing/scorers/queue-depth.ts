/**
 * Scorer `queue-depth`: fewer requests waiting in the engine (`vllm:num_requests_waiting`, plus running as a
 * tie-breaker) scores higher, min-max across candidates. Stale or missing samples score neutral.
 */
import { z } from 'zod';
import type { Scorer } from '../plugin.ts';
import { freshEngine, lowerIsBetter } from '../plugin.ts';

/** Config of the `queue-depth` scorer. */
export const queueDepthConfigSchema = z.strictObject({
  type: z.literal('queue-depth'),
  weight: z.number().nonnegative().default(1),
  /** Samples older than this are ignored. */
  staleAfterMs: z.number().int().positive().default(3000),
});

/** Creates the `queue-depth` scorer. */
export function queueDepthScorer(config: z.input<typeof queueDepthConfigSchema>): Scorer {
  const { staleAfterMs } = queueDepthConfigSchema.parse(config);
  return {
    type: 'queue-depth',
    score(_request, endpoints, ctx) {
      return lowerIsBetter(
        endpoints.map((e) => {
          const load = freshEngine(e, ctx.nowMs, staleAfterMs);
          // Running requests break ties between empty queues; a waiting request outweighs any running count.
          return load ? load.waiting + load.running / 1000 : undefined;
        }),
      );
    },
  };
}
