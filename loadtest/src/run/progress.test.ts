import { describe, expect, it } from 'vitest';
import { formatProgress, progressPrinter } from './progress.ts';
import type { Progress } from './run-load.ts';

const p: Progress = {
  elapsedMs: 12_300,
  durationMs: 60_000,
  started: 130,
  completed: 120,
  errors: 2,
  inFlight: 10,
  ttftP50Ms: 41.6,
  ttftP95Ms: 180.2,
  completionTokens: 24_600,
};

describe('progress line', () => {
  it('shows elapsed, requests, errors, in flight, current TTFT p50/p95 and output tokens per second', () => {
    expect(formatProgress(p)).toBe(
      '[ 12s/60s] requests 120 errors 2 in flight 10 | TTFT p50 42 ms p95 180 ms | 2000 tok/s',
    );
  });

  it('redraws one line on a terminal and prints a line every 5 s otherwise', () => {
    const tty: string[] = [];
    const tp = progressPrinter((t) => tty.push(t), true);
    tp.update(p);
    tp.update({ ...p, elapsedMs: 13_300 });
    tp.done();
    expect(tty[0]?.startsWith('\r\x1b[2K[')).toBe(true);
    expect(tty.at(-1)).toBe('\n');

    const log: string[] = [];
    const lp = progressPrinter((t) => log.push(t), false);
    for (const elapsedMs of [1_000, 2_000, 6_000, 7_000, 11_000]) lp.update({ ...p, elapsedMs });
    expect(log).toHaveLength(3);
  });
});
