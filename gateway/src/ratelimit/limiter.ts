/**
 * The rate limiter the proxy calls: reserve at admission, settle when the response ends.
 *
 * `reserve` charges one request and the estimated tokens to every bucket the rules select, atomically;
 * the returned reservation's `settle(usedTokens)` refunds what was reserved but not used (or charges the
 * excess). If the store fails, the configured policy decides: fail-open admits without limits,
 * fail-closed rejects with 503; either way the failure is logged once per interval and counted.
 */
import type { OpenAIErrorBody } from '@switchyard/api';
import { openAIError } from '@switchyard/api';
import type { Clock } from './clock.ts';
import { systemScheduler } from './clock.ts';
import { formatResetDuration, rateLimitHeaders, retryAfterSeconds } from './headers.ts';
import type { RateLimitIdentity, RateLimitRule, RuleOp } from './rules.ts';
import { bucketsFor } from './rules.ts';
import type { RateLimitStore } from './store.ts';
import { createThrottledLog } from './throttled-log.ts';

/** What to do while the store is unreachable. */
export type FailurePolicy = 'open' | 'closed';

/** Hooks for metrics; every method optional. */
export interface RateLimitObserver {
  /** A request was rejected by `rule` on its `unit` bucket. */
  limited?(who: RateLimitIdentity, rule: string, unit: 'requests' | 'tokens'): void;
  /** The store failed and `policy` was applied. */
  storeFailure?(policy: FailurePolicy): void;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  rules: readonly RateLimitRule[];
  store: RateLimitStore;
  failurePolicy?: FailurePolicy;
  /** Minimum time between two logs of store failures. Default 10 000 ms. */
  failureLogIntervalMs?: number;
  clock?: Clock;
  log?: (message: string) => void;
  observer?: RateLimitObserver;
}

/** Tokens held by an admitted request until it settles. */
export interface Reservation {
  readonly reservedTokens: number;
  /** Settles against real usage (prompt + completion tokens, or those streamed before a disconnect). Idempotent. */
  settle(usedTokens: number): Promise<void>;
}

/** The answer to `reserve`. */
export interface RateLimitDecision {
  allowed: boolean;
  /** `ok`; `rate_limited` (429); `store_unavailable` (fail-closed: 503; fail-open: allowed). */
  reason: 'ok' | 'rate_limited' | 'store_unavailable';
  /** `x-ratelimit-*` (and `retry-after` when rejected) to put on the response. */
  headers: Record<string, string>;
  /** Present when rejected. */
  retryAfterSeconds?: number;
  /** Present when rate limited: the rule and unit that refused. */
  limitedBy?: { rule: string; unit: 'requests' | 'tokens' };
  /** OpenAI error message when rejected. */
  message?: string;
  reservation: Reservation;
}

/** What the proxy calls. */
export interface RateLimiter {
  /**
   * Reserves one request and `tokens` (estimated prompt + max output) for `who`. The decision comes back
   * synchronously when no rule applies (the store is not asked), otherwise as a promise.
   */
  reserve(who: RateLimitIdentity, tokens: number): RateLimitDecision | Promise<RateLimitDecision>;
  /** Waits (at most `timeoutMs`) for the store to connect, so a starting replica does not fail open needlessly. */
  ready(timeoutMs: number): Promise<boolean>;
  /** The OpenAI error body of a rejected decision. */
  errorBody(decision: RateLimitDecision): OpenAIErrorBody;
  close(): Promise<void>;
}

const settled = Promise.resolve();
const noReservation: Reservation = { reservedTokens: 0, settle: () => settled };
/** The decision when no rule applies to a request: one shared object, nothing to settle. */
const unlimited: RateLimitDecision = Object.freeze({
  allowed: true,
  reason: 'ok',
  headers: Object.freeze({}) as Record<string, string>,
  reservation: noReservation,
});

function rejectionMessage(op: RuleOp, remaining: number, resetMs: number, retryMs: number): string {
  const what = op.unit === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  const limit = Math.floor(op.spec.capacity);
  const wait = Number.isFinite(retryMs)
    ? `try again in ${formatResetDuration(retryMs)}`
    : 'reduce max_tokens';
  if (op.amount > op.spec.capacity) {
    return `Request too large for ${what} on ${op.rule}: Limit ${limit}, Requested ${op.amount}. Please ${wait}.`;
  }
  const used = Math.max(0, limit - remaining);
  return `Rate limit reached for ${what} on ${op.rule}: Limit ${limit}, Used ${used}, Requested ${op.amount}. Please ${wait} (full in ${formatResetDuration(resetMs)}).`;
}

/** Creates a {@link RateLimiter}. With no rules every request is allowed without touching the store. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { rules, store, observer } = options;
  const policy = options.failurePolicy ?? 'open';
  const clock = options.clock ?? systemScheduler;
  const log = options.log ?? ((m: string) => console.warn(m));
  const logFailure = createThrottledLog(options.failureLogIntervalMs ?? 10_000, clock, (m, suppressed) =>
    log(suppressed > 0 ? `${m} (${suppressed} more since last log)` : m),
  );

  function failed(error: unknown): void {
    observer?.storeFailure?.(policy);
    const why = error instanceof Error ? error.message : String(error);
    logFailure(`rate-limit store (${store.kind}) unavailable, failing ${policy}: ${why}`);
  }

  function reserve(who: RateLimitIdentity, tokens: number): RateLimitDecision | Promise<RateLimitDecision> {
    if (rules.length === 0) return unlimited;
    const ops = bucketsFor(rules, who, tokens);
    return ops.length === 0 ? unlimited : reserveInStore(who, ops, tokens);
  }

  async function reserveInStore(
    who: RateLimitIdentity,
    ops: RuleOp[],
    tokens: number,
  ): Promise<RateLimitDecision> {
    let outcome: Awaited<ReturnType<RateLimitStore['reserve']>>;
    try {
      outcome = await store.reserve(ops);
    } catch (error) {
      failed(error);
      if (policy === 'open')
        return { allowed: true, reason: 'store_unavailable', headers: {}, reservation: noReservation };
      return {
        allowed: false,
        reason: 'store_unavailable',
        headers: { 'retry-after': '1' },
        retryAfterSeconds: 1,
        message: 'Rate limiting is temporarily unavailable; please retry.',
        reservation: noReservation,
      };
    }
    const requests = outcome.buckets.filter((_, i) => ops[i]!.unit === 'requests');
    const tokenBuckets = outcome.buckets.filter((_, i) => ops[i]!.unit === 'tokens');
    const headers = rateLimitHeaders(requests, tokenBuckets);
    if (outcome.allowed)
      return { allowed: true, reason: 'ok', headers, reservation: reservationFor(ops, tokens) };

    // Blame the bucket that needs the longest wait.
    let worst = 0;
    let worstWait = -1;
    outcome.buckets.forEach((b, i) => {
      const op = ops[i]!;
      const wait =
        op.amount > op.spec.capacity
          ? Number.POSITIVE_INFINITY
          : Math.max(0, ((op.amount - b.remaining) * 1000) / op.spec.refillPerSecond);
      if (wait > worstWait) [worst, worstWait] = [i, wait];
    });
    const op = ops[worst]!;
    const report = outcome.buckets[worst]!;
    const retry = retryAfterSeconds(outcome.retryAfterMs);
    observer?.limited?.(who, op.rule, op.unit);
    return {
      allowed: false,
      reason: 'rate_limited',
      headers: { ...headers, 'retry-after': String(retry) },
      retryAfterSeconds: retry,
      limitedBy: { rule: op.rule, unit: op.unit },
      message: rejectionMessage(op, report.remaining, report.resetMs, outcome.retryAfterMs),
      reservation: noReservation,
    };
  }

  function reservationFor(ops: RuleOp[], reserved: number): Reservation {
    let settled = false;
    return {
      reservedTokens: reserved,
      async settle(usedTokens) {
        if (settled) return;
        settled = true;
        const refund = reserved - Math.max(0, usedTokens);
        if (refund === 0) return;
        const tokenOps = ops.filter((o) => o.unit === 'tokens').map((o) => ({ ...o, amount: refund }));
        if (tokenOps.length === 0) return;
        try {
          await store.settle(tokenOps);
        } catch (error) {
          failed(error);
        }
      },
    };
  }

  return {
    reserve,
    ready: (timeoutMs) => (rules.length === 0 ? Promise.resolve(true) : store.ready(timeoutMs)),
    errorBody(decision) {
      const message = decision.message ?? 'Rate limit reached.';
      if (decision.reason === 'store_unavailable')
        return openAIError(message, 'server_error', null, 'service_unavailable');
      return openAIError(message, decision.limitedBy?.unit ?? 'requests', null, 'rate_limit_exceeded');
    },
    close: () => store.close(),
  };
}
