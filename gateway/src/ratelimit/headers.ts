/**
 * OpenAI's rate-limit headers: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` and `retry-after`.
 * Reset values are durations written as OpenAI writes them ("1s", "6m0s", "20ms", "1h2m3s").
 */
import type { BucketReport } from './store.ts';

/** Formats milliseconds as OpenAI's reset duration (Go's duration style, milliseconds below one second). */
export function formatResetDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0s';
  const rounded = Math.ceil(ms);
  if (rounded < 1000) return `${rounded}ms`;
  const hours = Math.floor(rounded / 3_600_000);
  const minutes = Math.floor((rounded % 3_600_000) / 60_000);
  const seconds = (rounded % 60_000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

/** `retry-after` in whole seconds, at least 1. */
export function retryAfterSeconds(ms: number): number {
  if (!Number.isFinite(ms)) return 60;
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The bucket to report: the one with the least room left (ties: the longest reset). */
export function tightestBucket(reports: readonly BucketReport[]): BucketReport | undefined {
  let best: BucketReport | undefined;
  for (const r of reports) {
    const room = r.remaining / r.limit;
    const bestRoom = best ? best.remaining / best.limit : Number.POSITIVE_INFINITY;
    if (!best || room < bestRoom || (room === bestRoom && r.resetMs > best.resetMs)) best = r;
  }
  return best;
}

/** Builds the `x-ratelimit-*` headers from the tightest request and token buckets. */
export function rateLimitHeaders(
  requests: readonly BucketReport[],
  tokens: readonly BucketReport[],
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [unit, reports] of [
    ['requests', requests],
    ['tokens', tokens],
  ] as const) {
    const b = tightestBucket(reports);
    if (!b) continue;
    headers[`x-ratelimit-limit-${unit}`] = String(Math.floor(b.limit));
    headers[`x-ratelimit-remaining-${unit}`] = String(b.remaining);
    headers[`x-ratelimit-reset-${unit}`] = formatResetDuration(b.resetMs);
  }
  return headers;
}
