/**
 * A consistent-hash ring with bounded loads (Mirrokni et al.): a key goes to the first endpoint clockwise
 * from its hash whose load is under `ceil(loadFactor * (total + 1) / n)`. Removing an endpoint moves only
 * its own keys; the bound stops one hot key from piling onto one endpoint.
 */

/** FNV-1a, 32-bit: fast and well spread for short strings. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so nearby inputs land far apart on the ring.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** A ring of virtual nodes for a fixed set of member ids. */
export interface HashRing {
  readonly members: readonly string[];
  /** Members in ring order starting at `hash`, each once. */
  walk(hash: number): string[];
}

/** Builds a ring with `virtualNodes` points per member. */
export function buildRing(members: readonly string[], virtualNodes = 64): HashRing {
  const points: { at: number; id: string }[] = [];
  for (const id of members)
    for (let v = 0; v < virtualNodes; v++) points.push({ at: fnv1a(`${id}#${v}`), id });
  points.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return {
    members,
    walk(hash) {
      let lo = 0;
      let hi = points.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (points[mid]!.at < hash) lo = mid + 1;
        else hi = mid;
      }
      const order: string[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < points.length && seen.size < members.length; i++) {
        const id = points[(lo + i) % points.length]!.id;
        if (!seen.has(id)) {
          seen.add(id);
          order.push(id);
        }
      }
      return order;
    },
  };
}

/**
 * The member a key goes to under bounded load: the first in ring order whose load + 1 stays within
 * `ceil(loadFactor * (totalLoad + 1) / members)`. Always returns a member when the ring is not empty.
 */
export function pickBounded(
  ring: HashRing,
  hash: number,
  loadOf: (id: string) => number,
  loadFactor: number,
): string | undefined {
  const order = ring.walk(hash);
  if (order.length === 0) return undefined;
  let total = 0;
  for (const id of order) total += loadOf(id);
  const bound = Math.ceil((loadFactor * (total + 1)) / order.length);
  return order.find((id) => loadOf(id) + 1 <= bound) ?? order[0];
}
