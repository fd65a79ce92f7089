/**
 * Scorer `prefix-affinity`: requests whose prompts start alike go to the same endpoint, where vLLM's
 * prefix cache already holds those blocks. The leading `blockChars * blocks` characters are hashed onto a
 * consistent-hash ring with bounded load; the chosen endpoint scores 1, the others 0.
 *
 * Only a prefix seen before (within `recentMs`) is treated as shared: a prompt whose leading blocks nobody
 * sent recently has nothing to reuse, so pinning it to its ring position would only undo load balancing.
 * Such prompts, and prompts shorter than one block, score neutral everywhere and the load scorers decide.
 * The scorer remembers the hashes of recent prefixes (at most `maxTrackedPrefixes`, oldest forgotten first).
 */
import { z } from 'zod';
import type { HashRing } from '../consistent-hash.ts';
import { buildRing, fnv1a, pickBounded } from '../consistent-hash.ts';
import type { Scorer } from '../plugin.ts';
import { NEUTRAL_SCORE } from '../plugin.ts';

/** Config of the `prefix-affinity` scorer. */
export const prefixAffinityConfigSchema = z.strictObject({
  type: z.literal('prefix-affinity'),
  weight: z.number().nonnegative().default(4),
  /** Characters per hashed block (~4 chars per token, so 256 ≈ 64 tokens). */
  blockChars: z.number().int().positive().default(256),
  /** Leading blocks hashed: more blocks split groups with a long shared prefix more finely. */
  blocks: z.number().int().positive().default(1),
  /**
   * Bounded-load factor: an endpoint takes at most this multiple of the average load before its prefixes
   * spill to the next endpoint on the ring. Generous, because a spill recomputes the whole shared prefix
   * (a 2 000-token prompt costs as much GPU time as a couple of queued requests) and slows its batch too.
   */
  loadFactor: z.number().min(1).default(2),
  virtualNodes: z.number().int().positive().default(64),
  /** A prefix counts as shared when it was last seen at most this long ago; 0 treats every prefix as shared. */
  recentMs: z.number().int().nonnegative().default(60_000),
  /** Distinct prefixes remembered for `recentMs`; the oldest are forgotten first. */
  maxTrackedPrefixes: z.number().int().positive().default(10_000),
});

/** Creates the `prefix-affinity` scorer. */
export function prefixAffinityScorer(config: z.input<typeof prefixAffinityConfigSchema>): Scorer {
  const { blockChars, blocks, loadFactor, virtualNodes, recentMs, maxTrackedPrefixes } =
    prefixAffinityConfigSchema.parse(config);
  let cached: { key: string; ring: HashRing } | undefined;
  const ringFor = (ids: string[]): HashRing => {
    const key = ids.join('\n');
    if (cached?.key !== key) cached = { key, ring: buildRing(ids, virtualNodes) };
    return cached.ring;
  };
  // Prefix hash → when it was last seen; Map order is recency order (re-inserted on every sighting).
  const lastSeen = new Map<number, number>();
  /** Records a sighting; true when the prefix was already seen within `recentMs`. */
  const seenRecently = (hash: number, nowMs: number): boolean => {
    const before = lastSeen.get(hash);
    lastSeen.delete(hash);
    lastSeen.set(hash, nowMs);
    if (lastSeen.size > maxTrackedPrefixes) lastSeen.delete(lastSeen.keys().next().value!);
    return before !== undefined && nowMs - before <= recentMs;
  };
  return {
    type: 'prefix-affinity',
    score(request, endpoints, ctx) {
      const text = request.prefixText ?? '';
      const whole = Math.min(blocks, Math.floor(text.length / blockChars));
      if (whole === 0 || endpoints.length === 0) return endpoints.map(() => NEUTRAL_SCORE);
      const hash = fnv1a(`${request.model}\n${text.slice(0, whole * blockChars)}`);
      if (recentMs > 0 && !seenRecently(hash, ctx.nowMs)) return endpoints.map(() => NEUTRAL_SCORE);
      const ids = endpoints.map((e) => e.id).sort();
      const load = new Map(endpoints.map((e) => [e.id, e.outstanding]));
      const chosen = pickBounded(ringFor(ids), hash, (id) => load.get(id) ?? 0, loadFactor);
      return endpoints.map((e) => (e.id === chosen ? 1 : 0));
    },
  };
}
