/** Polling helper for tests and the benchmark: testkit's `waitUntil` with defaults for in-process checks. */
import { waitUntil } from '@switchyard/testkit';

/**
 * Resolves with the first truthy value of `check`, polling every `intervalMs` (default 10 ms); rejects after
 * `timeoutMs` (default 10 s) naming `what`. A `check` that throws (a request failing while a server restarts
 * or a revision switches) counts as "not yet"; the rejection carries the last error thrown, if any.
 */
export function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  return waitUntil(async () => check(), {
    what: options.what ?? 'condition',
    timeoutMs: options.timeoutMs ?? 10_000,
    intervalMs: options.intervalMs ?? 10,
  });
}
