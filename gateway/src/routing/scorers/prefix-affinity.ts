/**
 * Scorer `prefix-affinity`: requests whose prompts start alike go to the same endpoint, where vLLM's
 * prefix cache already holds those blocks. The leading `blockChars * blocks` characters are hashed onto a
 * consistent-hash ring with bounded load; the chosen endpoint scores 1, the others 0. Prompts shorter than
 * one block carry no cacheable prefix and score neutral everywhere.
 */
import { z } from 'zod';
import type { HashRing } from '../consistent-hash.ts';
import { buildRing, fnv1a, pickBounded } from '../consistent-hash.ts';
import type { Scorer } from '../plugin.ts';
import { NEUTRAL_SCORE } from '../plugin.ts';

/** Config of the `prefix-affinity` scorer. */
export const prefixAffinityConfigSchema = z.strictObject({
  type: z.literal('prefix-affinity'),
  weight: z.number().nonnegative().default(2),
  /** Characters per hashed block (~4 chars per token, so 256 ≈ 64 tokens). */
  blockChars: z.number().int().positive().default(256),
  /** Leading blocks hashed: more blocks split groups with a long shared prefix more finely. */
  blocks: z.number().int().positive().default(1),
  /** Bounded-load factor: an endpoint takes at most this multiple of the average load. */
  loadFactor: z.number().min(1).default(1.25),
  virtualNodes: z.number().int().positive().default(64),
});

/** Creates the `prefix-affinity` scorer. */
export function prefixAffinityScorer(config: z.input<typeof prefixAffinityConfigSchema>): Scorer {
  const { blockChars, blocks, loadFactor, virtualNodes } = prefixAffinityConfigSchema.parse(config);
  let cached: { key: string; ring: HashRing } | undefined;
  const ringFor = (ids: string[]): HashRing => {
    const key = ids.join('\n');
    if (cached?.key !== key) cached = { key, ring: buildRing(ids, virtualNodes) };
    return cached.ring;
  };
  return {
    type: 'prefix-affinity',
    score(request, endpoints) {
      const text = request.prefixText ?? '';
      const whole = Math.min(blocks, Math.floor(text.length / blockChars));
      if (whole === 0 || endpoints.length === 0) return endpoints.map(() => NEUTRAL_SCORE);
      const ids = endpoints.map((e) => e.id).sort();
      const load = new Map(endpoints.map((e) => [e.id, e.outstanding]));
      const chosen = pickBounded(
        ringFor(ids),
        fnv1a(`${request.model}\n${text.slice(0, whole * blockChars)}`),
        (id) => load.get(id) ?? 0,
        loadFactor,
      );
      return endpoints.map((e) => (e.id === chosen ? 1 : 0));
    },
  };
}
