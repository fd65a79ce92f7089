/**
 * The storage boundary of rate limiting: where bucket balances live. The in-memory store serves one
 * gateway replica; the Redis store lets several replicas share limits. Both follow `token-bucket.ts`.
 */
import type { BucketSpec } from './token-bucket.ts';

/** One bucket named by key, with the amount to take (reserve) or give back (settle). */
export interface BucketOp {
  key: string;
  spec: BucketSpec;
  /** Reserve: tokens to take. Settle: tokens to give back (negative charges more). */
  amount: number;
}

/** A bucket's state after an operation, as the `x-ratelimit-*` headers need it. */
export interface BucketReport {
  key: string;
  limit: number;
  /** Whole tokens left (0 when in debt). */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

/** Outcome of an all-or-nothing reservation over several buckets. */
export interface ReserveOutcome {
  allowed: boolean;
  /** 0 when allowed; else the wait until every bucket could pay (Infinity if never). */
  retryAfterMs: number;
  /** One report per op, in order. */
  buckets: BucketReport[];
}

/** Where bucket balances live. Implementations must make `reserve` atomic across all its buckets. */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  /** Takes every op's amount from its bucket, or nothing if any bucket is short. */
  reserve(ops: readonly BucketOp[]): Promise<ReserveOutcome>;
  /** Gives back (or charges) amounts after the response ends. */
  settle(ops: readonly BucketOp[]): Promise<void>;
  /** Resolves once the store can answer (connected), or after `timeoutMs` (then the outage policy applies). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
