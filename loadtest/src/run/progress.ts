/** The live progress line: redrawn in place on a terminal, a plain line every few seconds otherwise. */
import type { Progress } from './run-load.ts';

/** One line: elapsed, requests, errors, in flight, current TTFT p50/p95, output tokens per second. */
export function formatProgress(p: Progress): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(0)}s`;
  const rate = p.elapsedMs > 0 ? (p.completionTokens / p.elapsedMs) * 1000 : 0;
  return (
    `[${s(p.elapsedMs).padStart(4)}/${s(p.durationMs)}] requests ${p.completed} ` +
    `errors ${p.errors} in flight ${p.inFlight} | TTFT p50 ${p.ttftP50Ms.toFixed(0)} ms ` +
    `p95 ${p.ttftP95Ms.toFixed(0)} ms | ${rate.toFixed(0)} tok/s`
  );
}

/** A progress callback writing to `write`; `isTTY` redraws one line, otherwise prints every `everyMs`. */
export function progressPrinter(
  write: (text: string) => void,
  isTTY: boolean,
  everyMs = 5_000,
): { update: (p: Progress) => void; done: () => void } {
  let lastPrinted = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(p) {
      if (isTTY) {
        write(`\r\x1b[2K${formatProgress(p)}`);
        drawn = true;
      } else if (p.elapsedMs - lastPrinted >= everyMs) {
        write(`${formatProgress(p)}\n`);
        lastPrinted = p.elapsedMs;
      }
    },
    done() {
      if (drawn) write('\n');
    },
  };
}
