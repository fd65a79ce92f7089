/** Scorer `outstanding`: fewer requests in flight from this gateway scores higher (min-max across candidates). */
import { z } from 'zod';
import type { Scorer } from '../plugin.ts';
import { lowerIsBetter } from '../plugin.ts';

/** Config of the `outstanding` scorer. */
export const outstandingConfigSchema = z.strictObject({
  type: z.literal('outstanding'),
  weight: z.number().nonnegative().default(1),
});

/** Creates the `outstanding` scorer. */
export function outstandingScorer(_config?: z.input<typeof outstandingConfigSchema>): Scorer {
  return {
    type: 'outstanding',
    score: (_request, endpoints) => lowerIsBetter(endpoints.map((e) => e.outstanding)),
  };
}
