/**
 * Pure token-bucket arithmetic: refill, all-or-nothing reservation over several buckets, settlement.
 *
 * A bucket holds up to `capacity` tokens (the burst) and refills continuously at `refillPerSecond`.
 * Balances may go negative after settlement charges more than was reserved (a response longer than
 * its estimate); the debt delays later requests instead of being forgiven. The Redis Lua scripts
 * implement exactly these rules, so this file is the specification both stores follow.
 */

/** Size and speed of one bucket. */
export interface BucketSpec {
  /** Most tokens the bucket holds: the burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

/** A bucket's balance at a moment. */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

/** One bucket to charge in a reservation. */
export interface BucketCharge {
  spec: BucketSpec;
  state: BucketState | undefined;
  cost: number;
}

/** Result of {@link reserveTokens}: new states (unchanged when denied) and when to retry. */
export interface ReserveResult {
  allowed: boolean;
  states: BucketState[];
  /** 0 when allowed; otherwise the wait until every bucket could pay its cost. */
  retryAfterMs: number;
}

/** Balance after refilling from `state.updatedAtMs` to `nowMs`; a missing state is a full bucket. */
export function refillBucket(state: BucketState | undefined, spec: BucketSpec, nowMs: number): BucketState {
  if (!state) return { tokens: spec.capacity, updatedAtMs: nowMs };
  const elapsedMs = Math.max(0, nowMs - state.updatedAtMs);
  const tokens = Math.min(spec.capacity, state.tokens + (elapsedMs * spec.refillPerSecond) / 1000);
  return { tokens, updatedAtMs: Math.max(nowMs, state.updatedAtMs) };
}

/** Milliseconds until `tokens` grows to `target` (0 if already there; Infinity if it never refills). */
export function msUntilTokens(tokens: number, target: number, spec: BucketSpec): number {
  if (tokens >= target) return 0;
  if (spec.refillPerSecond <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(((target - tokens) * 1000) / spec.refillPerSecond);
}

/** Milliseconds until the bucket is full again (OpenAI's "reset"). */
export function msUntilFull(tokens: number, spec: BucketSpec): number {
  return msUntilTokens(tokens, spec.capacity, spec);
}

/**
 * Takes `cost` from every bucket, or from none: if any bucket is short the states are returned
 * refilled but not charged, with the wait until all of them could pay. A cost above a bucket's
 * capacity can never be paid; its wait is Infinity.
 */
export function reserveTokens(charges: readonly BucketCharge[], nowMs: number): ReserveResult {
  const refilled = charges.map((c) => refillBucket(c.state, c.spec, nowMs));
  let retryAfterMs = 0;
  for (let i = 0; i < charges.length; i++) {
    const { spec, cost } = charges[i]!;
    const wait =
      cost > spec.capacity ? Number.POSITIVE_INFINITY : msUntilTokens(refilled[i]!.tokens, cost, spec);
    retryAfterMs = Math.max(retryAfterMs, wait);
  }
  if (retryAfterMs > 0) return { allowed: false, states: refilled, retryAfterMs };
  const states = refilled.map((s, i) => ({
    tokens: s.tokens - charges[i]!.cost,
    updatedAtMs: s.updatedAtMs,
  }));
  return { allowed: true, states, retryAfterMs: 0 };
}

/**
 * Settles a reservation: a positive `refund` gives unused tokens back (never above capacity), a negative
 * one charges usage beyond the reservation (never below minus one capacity, so debt stays bounded).
 */
export function settleUsage(
  state: BucketState | undefined,
  spec: BucketSpec,
  refund: number,
  nowMs: number,
): BucketState {
  const s = refillBucket(state, spec, nowMs);
  const tokens = Math.max(-spec.capacity, Math.min(spec.capacity, s.tokens + refund));
  return { tokens, updatedAtMs: s.updatedAtMs };
}
