/** Scorer `kv-cache`: more free KV cache (`1 - vllm:kv_cache_usage_perc`) scores higher. Stale samples score neutral. */
import { z } from 'zod';
import type { Scorer } from '../plugin.ts';
import { freshEngine, NEUTRAL_SCORE } from '../plugin.ts';

/** Config of the `kv-cache` scorer. */
export const kvCacheConfigSchema = z.strictObject({
  type: z.literal('kv-cache'),
  weight: z.number().nonnegative().default(1),
  /** Samples older than this are ignored. */
  staleAfterMs: z.number().int().positive().default(3000),
});

/** Creates the `kv-cache` scorer. */
export function kvCacheScorer(config: z.input<typeof kvCacheConfigSchema>): Scorer {
  const { staleAfterMs } = kvCacheConfigSchema.parse(config);
  return {
    type: 'kv-cache',
    score(_request, endpoints, ctx) {
      return endpoints.map((e) => {
        const load = freshEngine(e, ctx.nowMs, staleAfterMs);
        return load ? Math.min(1, Math.max(0, 1 - load.kvCacheUsage)) : NEUTRAL_SCORE;
      });
    },
  };
}
