// A one-line progress bar on stderr, drawn only when stderr is a terminal (CI logs and pipes stay clean).
import { type CliIo, formatBytes } from './output.ts';

/** The events transfers emit: the total once, then byte counts as they complete. */
export type ProgressEvent = { totalBytes: number } | { bytes: number };

/** A progress sink: `update` for transfer events, `finish` to end the line. */
export interface Progress {
  update(event: ProgressEvent): void;
  finish(): void;
}

const redrawEveryMs = 100;
const barWidth = 30;

/** Renders `[#####.....]  42%  1.2 GiB / 2.0 GiB  310 MiB/s  label`. */
export function renderProgressLine(label: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * barWidth);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatBytes(done)} / ${formatBytes(total)}  ${formatBytes(rate)}/s  ${label}`;
}

/** A progress bar for `label`; a no-op when `io` is not a terminal. */
export function createProgress(io: CliIo, label: string, now: () => number = Date.now): Progress {
  if (!io.isTTY) return { update() {}, finish() {} };
  const started = now();
  let total = 0;
  let done = 0;
  let lastDraw = 0;
  const draw = () => io.stderr(`\r${renderProgressLine(label, done, total, now() - started)}\x1b[K`);
  return {
    update(event) {
      if ('totalBytes' in event) total = event.totalBytes;
      else done += event.bytes;
      if (now() - lastDraw >= redrawEveryMs) {
        lastDraw = now();
        draw();
      }
    },
    finish() {
      draw();
      io.stderr('\n');
    },
  };
}
