/**
 * Which buckets a request is charged to. A rule names the dimensions it keys on (`apiKey`, `tenant`,
 * `model`, any combination; none means one global bucket), may be narrowed to given values, and sets
 * requests-per-minute and/or tokens-per-minute limits with optional bursts.
 */
import { z } from 'zod';
import type { BucketOp } from './store.ts';

/** The dimensions a rule can key on. */
export const RATE_LIMIT_DIMENSIONS = ['apiKey', 'tenant', 'model'] as const;
/** One dimension name. */
export type RateLimitDimension = (typeof RATE_LIMIT_DIMENSIONS)[number];

const dimension = z.enum(RATE_LIMIT_DIMENSIONS);

/** One rate-limit rule as configured. */
export const rateLimitRuleSchema = z
  .strictObject({
    /** Names the rule in keys, logs and metrics. */
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "-" or "." only'),
    /** Dimensions the buckets are keyed on; `[]` is one bucket for everything. */
    by: z.array(dimension).default([]),
    /** Apply only when these dimensions have these values. */
    match: z.partialRecord(dimension, z.string()).optional(),
    requestsPerMinute: z.number().positive().optional(),
    tokensPerMinute: z.number().positive().optional(),
    /** Requests a full bucket allows at once. Default: `requestsPerMinute`. */
    burstRequests: z.number().positive().optional(),
    /** Tokens a full bucket allows at once. Default: `tokensPerMinute`. */
    burstTokens: z.number().positive().optional(),
  })
  .refine((r) => r.requestsPerMinute !== undefined || r.tokensPerMinute !== undefined, {
    message: 'set requestsPerMinute, tokensPerMinute or both',
  });
/** A validated rule. */
export type RateLimitRule = z.infer<typeof rateLimitRuleSchema>;

/** Who is asking, as auth and the request body tell. `apiKey` is the key's id, never its secret. */
export interface RateLimitIdentity {
  apiKey?: string;
  tenant?: string;
  model: string;
}

/** A bucket op tagged with what it limits, for headers and messages. */
export interface RuleOp extends BucketOp {
  rule: string;
  unit: 'requests' | 'tokens';
}

function applies(rule: RateLimitRule, who: RateLimitIdentity): boolean {
  for (const d of rule.by) if (who[d] === undefined) return false;
  for (const [d, v] of Object.entries(rule.match ?? {})) if (who[d as RateLimitDimension] !== v) return false;
  return true;
}

function keyOf(rule: RateLimitRule, who: RateLimitIdentity): string {
  // `|` cannot appear in rule names; values are URI-encoded so they cannot forge another key.
  return [rule.name, ...rule.by.map((d) => `${d}=${encodeURIComponent(who[d]!)}`)].join('|');
}

/** Bucket ops for one request: 1 from each requests bucket, `tokens` from each tokens bucket. */
export function bucketsFor(
  rules: readonly RateLimitRule[],
  who: RateLimitIdentity,
  tokens: number,
): RuleOp[] {
  const ops: RuleOp[] = [];
  for (const rule of rules) {
    if (!applies(rule, who)) continue;
    const key = keyOf(rule, who);
    if (rule.requestsPerMinute !== undefined) {
      const capacity = rule.burstRequests ?? rule.requestsPerMinute;
      const spec = { capacity, refillPerSecond: rule.requestsPerMinute / 60 };
      ops.push({ key: `${key}|r`, spec, amount: 1, rule: rule.name, unit: 'requests' });
    }
    if (rule.tokensPerMinute !== undefined) {
      const capacity = rule.burstTokens ?? rule.tokensPerMinute;
      const spec = { capacity, refillPerSecond: rule.tokensPerMinute / 60 };
      ops.push({ key: `${key}|t`, spec, amount: tokens, rule: rule.name, unit: 'tokens' });
    }
  }
  return ops;
}
