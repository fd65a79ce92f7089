/** Admission configuration (the `admission` section of the gateway YAML): queue limits, saturation, tenants. */
import { z } from 'zod';
import type { ModelQueuePolicy } from './admission-queue.ts';

const policyFields = {
  /** Requests in flight from this gateway per endpoint before it counts as saturated. */
  maxConcurrency: z.number().int().positive(),
  /** Engine-reported waiting requests above which an endpoint counts as saturated. */
  maxWaiting: z.number().int().nonnegative(),
  /** Engine samples older than this are ignored. */
  staleAfterMs: z.number().int().positive(),
  /** Requests waiting per model before new ones are turned away (503, or 429 for a tenant over its share). */
  maxQueueDepth: z.number().int().nonnegative(),
  /** Longest wait while the model has ready endpoints. */
  queueTimeoutMs: z.number().int().positive(),
  /** Longest wait while the model has zero ready endpoints (cold start). */
  coldStartTimeoutMs: z.number().int().positive(),
  /** `retry-after` on a queue rejection. */
  retryAfterSeconds: z.number().int().positive(),
  /** While requests wait, capacity is re-checked this often besides the change notifications. */
  recheckIntervalMs: z.number().int().positive(),
};

/** A tenant's place in line. */
const tenantSchema = z.strictObject({
  /** Higher classes are served first. */
  priority: z.number().int().default(0),
  /** Share of tokens relative to other tenants under contention. */
  weight: z.number().positive().default(1),
});

/** The `admission` section. Every default is written here, once. */
export const admissionConfigSchema = z.strictObject({
  maxConcurrency: policyFields.maxConcurrency.default(32),
  maxWaiting: policyFields.maxWaiting.default(8),
  staleAfterMs: policyFields.staleAfterMs.default(3000),
  maxQueueDepth: policyFields.maxQueueDepth.default(1000),
  queueTimeoutMs: policyFields.queueTimeoutMs.default(30_000),
  coldStartTimeoutMs: policyFields.coldStartTimeoutMs.default(600_000),
  retryAfterSeconds: policyFields.retryAfterSeconds.default(1),
  recheckIntervalMs: policyFields.recheckIntervalMs.default(250),
  /** Per-model overrides of the settings above. */
  models: z.record(z.string(), z.strictObject(policyFields).partial()).default({}),
  /** Tenant name → priority class and fair-share weight. */
  tenants: z.record(z.string(), tenantSchema).default({}),
});
/** The validated `admission` section. */
export type AdmissionConfig = z.infer<typeof admissionConfigSchema>;

/** The policy of one model: defaults overlaid with its overrides. */
export function policyFor(config: AdmissionConfig, model: string): ModelQueuePolicy {
  const { models: _m, tenants: _t, ...defaults } = config;
  return { ...defaults, ...config.models[model] };
}

/** A tenant's priority and weight (unknown tenants: priority 0, weight 1). */
export function tenantClass(
  config: AdmissionConfig,
  tenant: string | undefined,
): { priority: number; weight: number } {
  return (tenant !== undefined ? config.tenants[tenant] : undefined) ?? { priority: 0, weight: 1 };
}
