/** Rate limiting: token buckets (pure), memory and Redis stores, the limiter the proxy calls, token estimates. */
export type { Clock, ManualClock, Scheduler, TimerHandle } from './clock.ts';
export { createManualClock, systemScheduler } from './clock.ts';
export type { RateLimitConfig } from './config.ts';
export { rateLimitConfigSchema } from './config.ts';
export type { CountableBody, TokenEstimate, TokenEstimator, TokenEstimatorOptions } from './estimate.ts';
export { countWithBackend, createTokenEstimator, maxOutputTokens, promptParts } from './estimate.ts';
export { formatResetDuration, rateLimitHeaders, retryAfterSeconds } from './headers.ts';
export type {
  FailurePolicy,
  RateLimitDecision,
  RateLimiter,
  RateLimiterOptions,
  RateLimitObserver,
  Reservation,
} from './limiter.ts';
export { createRateLimiter } from './limiter.ts';
export { createMemoryStore } from './memory-store.ts';
export type { RedisStoreOptions } from './redis-store.ts';
export { createRedisStore } from './redis-store.ts';
export type { RateLimitDimension, RateLimitIdentity, RateLimitRule } from './rules.ts';
export { bucketsFor, rateLimitRuleSchema } from './rules.ts';
export type { BucketOp, BucketReport, RateLimitStore, ReserveOutcome } from './store.ts';
export type { BucketSpec, BucketState } from './token-bucket.ts';
export { refillBucket, reserveTokens, settleUsage } from './token-bucket.ts';
