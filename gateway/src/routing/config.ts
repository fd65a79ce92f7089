/**
 * Routing configuration (the `routing` section of the gateway YAML): named profiles of filters, weighted
 * scorers and a picker, a profile per model, and the scrape, retry and ejection settings. Loaded, defaulted,
 * then validated; errors name the path, e.g. `routing.profiles[0].scorers[1].weight`.
 */
import { z } from 'zod';
import { lowQueueConfigSchema, lowQueueFilter } from './filters/low-queue.ts';
import { underCapacityConfigSchema, underCapacityFilter } from './filters/under-capacity.ts';
import { leastOutstandingPicker } from './least-outstanding.ts';
import { roundRobinPicker } from './pickers/round-robin.ts';
import type { Filter, Scorer } from './plugin.ts';
import { profilePicker } from './profile.ts';
import { kvCacheConfigSchema, kvCacheScorer } from './scorers/kv-cache.ts';
import { outstandingConfigSchema, outstandingScorer } from './scorers/outstanding.ts';
import { prefixAffinityConfigSchema, prefixAffinityScorer } from './scorers/prefix-affinity.ts';
import { queueDepthConfigSchema, queueDepthScorer } from './scorers/queue-depth.ts';
import type { Picker } from './types.ts';

const filterSchema = z.discriminatedUnion('type', [underCapacityConfigSchema, lowQueueConfigSchema]);
const scorerSchema = z.discriminatedUnion('type', [
  outstandingConfigSchema,
  queueDepthConfigSchema,
  kvCacheConfigSchema,
  prefixAffinityConfigSchema,
]);

const profileSchema = z.strictObject({
  name: z.string().min(1),
  /** `weighted` runs filters and scorers; `round-robin` and `least-outstanding` are baselines. */
  picker: z.enum(['weighted', 'round-robin', 'least-outstanding']).default('weighted'),
  filters: z.array(filterSchema).default([]),
  scorers: z.array(scorerSchema).default([]),
});

/**
 * The default profile when none is configured: load- and cache-aware. Prefix affinity outweighs the load
 * scorers together (4 > 2 + 1 + 0.5): a recently seen prefix goes to its home endpoint, where its KV blocks
 * are cached, unless the ring's bounded load spills it; a prompt with no recent prefix scores neutral there
 * and is placed by load alone. The gateway's own in-flight count is exact and never stale, so it weighs
 * more than the scraped engine gauges.
 */
export const DEFAULT_PROFILE: z.input<typeof profileSchema> = {
  name: 'default',
  picker: 'weighted',
  filters: [{ type: 'under-capacity' }],
  scorers: [
    { type: 'outstanding', weight: 2 },
    { type: 'queue-depth', weight: 1 },
    { type: 'kv-cache', weight: 0.5 },
    { type: 'prefix-affinity', weight: 4 },
  ],
};

/** The `routing` section. Every default is written here, once. */
export const routingConfigSchema = z
  .strictObject({
    profiles: z.array(profileSchema).prefault([DEFAULT_PROFILE]),
    /** Profile for models not listed in `models`. */
    defaultProfile: z.string().default('default'),
    /** Model name → profile name. */
    models: z.record(z.string(), z.string()).default({}),
    scrape: z
      .strictObject({
        /** How often each pod's `/metrics` is read; 0 turns scraping off. */
        intervalMs: z.number().int().nonnegative().default(1000),
        timeoutMs: z.number().int().positive().default(500),
      })
      .prefault({}),
    retries: z
      .strictObject({
        /** Attempts per request including the first; each retry goes to a different endpoint. */
        maxAttempts: z.number().int().min(1).max(10).default(3),
      })
      .prefault({}),
    outlier: z
      .strictObject({
        /** Consecutive failures (connect errors, 5xx) that eject an endpoint. */
        consecutiveFailures: z.number().int().positive().default(5),
        /** First ejection; doubles on each failed half-open probe. */
        baseEjectionMs: z.number().int().positive().default(10_000),
        maxEjectionMs: z.number().int().positive().default(300_000),
      })
      .prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const names = new Set<string>();
    cfg.profiles.forEach((p, i) => {
      if (names.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['profiles', i, 'name'],
          message: `duplicate profile "${p.name}"`,
        });
      names.add(p.name);
    });
    if (!names.has(cfg.defaultProfile)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultProfile'],
        message: `no profile named "${cfg.defaultProfile}"`,
      });
    }
    for (const [model, profile] of Object.entries(cfg.models)) {
      if (!names.has(profile))
        ctx.addIssue({ code: 'custom', path: ['models', model], message: `no profile named "${profile}"` });
    }
  });

/** The validated `routing` section. */
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
/** One validated profile. */
export type ProfileConfig = z.infer<typeof profileSchema>;

/** A configuration error naming the offending path. */
export class RoutingConfigError extends Error {
  override readonly name = 'RoutingConfigError';
}

/** Formats a zod path under `root`: `routing.profiles[0].scorers[1].weight`. */
export function formatConfigPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${String(p)}`), root);
}

/** Validates and defaults raw config (`undefined` gives the defaults). Throws {@link RoutingConfigError}. */
export function loadRoutingConfig(raw: unknown, root = 'routing'): RoutingConfig {
  const result = routingConfigSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${formatConfigPath(root, i.path)}: ${i.message}`);
  throw new RoutingConfigError(`invalid routing config:\n  ${lines.join('\n  ')}`);
}

function createFilter(config: z.infer<typeof filterSchema>): Filter {
  return config.type === 'under-capacity' ? underCapacityFilter(config) : lowQueueFilter(config);
}

function createScorer(config: z.infer<typeof scorerSchema>): Scorer {
  switch (config.type) {
    case 'outstanding':
      return outstandingScorer(config);
    case 'queue-depth':
      return queueDepthScorer(config);
    case 'kv-cache':
      return kvCacheScorer(config);
    case 'prefix-affinity':
      return prefixAffinityScorer(config);
  }
}

/** Builds the picker of one profile. */
export function createProfilePicker(profile: ProfileConfig, now?: () => number): Picker {
  if (profile.picker === 'round-robin') return roundRobinPicker();
  if (profile.picker === 'least-outstanding') return leastOutstandingPicker();
  return profilePicker({
    name: profile.name,
    filters: profile.filters.map(createFilter),
    scorers: profile.scorers.map((s) => ({ scorer: createScorer(s), weight: s.weight })),
    ...(now ? { now } : {}),
  });
}

/** Builds every profile once and returns the picker for a model. */
export function createModelPickers(config: RoutingConfig, now?: () => number): (model: string) => Picker {
  const pickers = new Map(config.profiles.map((p) => [p.name, createProfilePicker(p, now)]));
  return (model) => pickers.get(config.models[model] ?? config.defaultProfile)!;
}
