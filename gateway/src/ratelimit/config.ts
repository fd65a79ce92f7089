/** Rate-limit configuration (the `rateLimits` section of the gateway YAML), validated by zod. */
import { z } from 'zod';
import { rateLimitRuleSchema } from './rules.ts';

/** The `rateLimits` section. Every default is written here, once. */
export const rateLimitConfigSchema = z.strictObject({
  /** `memory` for one replica; `redis` to share limits between replicas. */
  store: z.enum(['memory', 'redis']).default('memory'),
  redis: z
    .strictObject({
      url: z.string().default('redis://127.0.0.1:6379'),
      keyPrefix: z.string().default('switchyard:rl:'),
      commandTimeoutMs: z.number().int().positive().default(100),
      /** How long a starting gateway waits for Redis before serving (then the failure policy applies). */
      connectTimeoutMs: z.number().int().positive().default(2000),
    })
    .prefault({}),
  /** While the store is unreachable: `open` admits unlimited, `closed` rejects with 503. */
  failurePolicy: z.enum(['open', 'closed']).default('open'),
  failureLogIntervalMs: z.number().int().positive().default(10_000),
  /** Output tokens reserved when a request sets no `max_tokens`. */
  defaultMaxTokens: z.number().int().positive().default(1024),
  /** Starting chars-per-token ratio for prompt estimates (calibrated against real usage). */
  charsPerToken: z.number().positive().default(4),
  /** Count prompt tokens with the backend's `/tokenize` (one extra round trip) instead of estimating. */
  tokenizeWithBackend: z.boolean().default(false),
  tokenizeTimeoutMs: z.number().int().positive().default(200),
  rules: z.array(rateLimitRuleSchema).default([]),
});
/** The validated `rateLimits` section. */
export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;
