/** The routing policies the routing bench compares (gateway `routing` config sections). */

/** Round-robin and least-outstanding baselines, and the full scorer profile. */
export const ROUTING_BENCH_POLICIES = {
  'round-robin': { profiles: [{ name: 'default', picker: 'round-robin' }] },
  'least-outstanding': { profiles: [{ name: 'default', picker: 'least-outstanding' }] },
  'full profile': {
    scrape: { intervalMs: 200 },
    profiles: [
      {
        name: 'default',
        filters: [{ type: 'low-queue', maxWaiting: 4, staleAfterMs: 1000 }],
        // The weights of config.ts's default profile: affinity outweighs the load scorers together, so a
        // recently seen prefix goes home unless the bounded load spills it; other prompts go by load alone.
        scorers: [
          { type: 'outstanding', weight: 2 },
          { type: 'queue-depth', weight: 1, staleAfterMs: 1000 },
          { type: 'kv-cache', weight: 0.5, staleAfterMs: 1000 },
          { type: 'prefix-affinity', weight: 4, blockChars: 256, loadFactor: 2 },
        ],
      },
    ],
  },
} as const;

/** A policy's name. */
export type RoutingBenchPolicy = keyof typeof ROUTING_BENCH_POLICIES;
