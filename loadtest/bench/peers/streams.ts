/**
 * Concurrent streams through a proxy: do all complete, and what is the longest silence a client saw
 * between two chunks once its stream had started (a stall shows as a gap far above the engine's TPOT)?
 */

/** Outcome of a concurrent-streams run. */
export interface StreamsResult {
  streams: number;
  completed: number;
  /** Longest gap between two chunks any client saw, ms. */
  maxGapMs: number;
  /** p99 over streams of each stream's longest gap, ms. */
  p99GapMs: number;
  seconds: number;
  /** The first failure seen (status and the start of the body, or the error), when any stream failed. */
  firstFailure?: string;
}

/** Opens `streams` streaming chat completions at once and reads each to `[DONE]`. */
export async function runConcurrentStreams(
  url: string,
  headers: Record<string, string>,
  body: string,
  streams: number,
  timeoutMs = 120_000,
): Promise<StreamsResult> {
  const started = performance.now();
  const gaps: number[] = [];
  let completed = 0;
  let firstFailure: string | undefined;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...headers },
          signal: AbortSignal.timeout(timeoutMs),
        });
        let last: number | undefined;
        let maxGap = 0;
        let text = '';
        const decoder = new TextDecoder();
        for await (const chunk of response.body ?? []) {
          const now = performance.now();
          if (last !== undefined) maxGap = Math.max(maxGap, now - last);
          last = now;
          text += decoder.decode(chunk as Uint8Array, { stream: true });
          if (text.length > 4096) text = text.slice(-64);
        }
        gaps.push(maxGap);
        if (response.status === 200 && text.includes('[DONE]')) completed++;
        else firstFailure ??= `${response.status} ${text.slice(0, 120)}`;
      } catch (error) {
        gaps.push(Number.POSITIVE_INFINITY);
        firstFailure ??= (error as Error).message;
      }
    }),
  );
  gaps.sort((a, b) => a - b);
  return {
    streams,
    completed,
    maxGapMs: gaps.at(-1) ?? 0,
    p99GapMs: gaps[Math.min(gaps.length - 1, Math.floor(gaps.length * 0.99))] ?? 0,
    seconds: (performance.now() - started) / 1000,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
