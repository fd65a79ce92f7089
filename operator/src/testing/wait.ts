/** Polling helper for tests and the benchmark. */

/**
 * Resolves with the first truthy value of `check`, polling every `intervalMs`; rejects after `timeoutMs`.
 * A `check` that throws (a request failing while a server restarts or a revision switches) counts as "not
 * yet"; if the deadline passes, the rejection carries the last error thrown (if any was).
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const what = `timed out waiting for ${options.what ?? 'condition'}`;
      if (lastError === undefined) throw new Error(what);
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`${what} (last error: ${detail})`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 10));
  }
}
