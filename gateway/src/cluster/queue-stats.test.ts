import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueStats } from '../admission/admission-queue.ts';
import { ClusterQueueStats, reportQueueStats } from './queue-stats.ts';

describe('ClusterQueueStats', () => {
  it('sums the latest report of every worker per model and forgets a worker that exited', () => {
    const stats = new ClusterQueueStats();
    const seen: string[] = [];
    stats.subscribe((model) => seen.push(model));
    stats.update(1, { llama: { queued: 2, inflight: 4, held: 0 } });
    stats.update(2, {
      llama: { queued: 1, inflight: 3, held: 1 },
      cold: { queued: 5, inflight: 0, held: 5 },
    });
    stats.update(1, { llama: { queued: 0, inflight: 4, held: 0 } });
    expect(stats.stats('llama')).toEqual({ queued: 1, inflight: 7, held: 1 });
    expect(stats.stats('cold')).toEqual({ queued: 5, inflight: 0, held: 5 });
    expect(stats.models()).toEqual(['cold', 'llama']);
    stats.remove(2);
    expect(stats.stats('llama')).toEqual({ queued: 0, inflight: 4, held: 0 });
    expect(stats.stats('cold')).toEqual({ queued: 0, inflight: 0, held: 0 });
    expect(seen).toEqual(['llama', 'llama', 'cold', 'llama', 'llama', 'cold']);
  });
});

describe('reportQueueStats', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function fakeQueue() {
    let listener: ((model: string) => void) | undefined;
    const counts = new Map<string, QueueStats>();
    return {
      counts,
      change(model: string, s: QueueStats) {
        counts.set(model, s);
        listener?.(model);
      },
      stats: (model: string) => counts.get(model) ?? { queued: 0, inflight: 0, held: 0 },
      subscribe(l: (model: string) => void) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
    };
  }

  const idle = { queued: 0, inflight: 0, held: 0 };
  const busy = (inflight: number) => ({ queued: 0, inflight, held: 0 });
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  /** A fake queue with a reporter on it (one report per second) and what the reporter sent. */
  function reporting() {
    vi.useFakeTimers();
    const queue = fakeQueue();
    const sent: Record<string, QueueStats>[] = [];
    const stop = reportQueueStats(queue, (s) => sent.push(s), 1000);
    stops.push(stop);
    return { queue, sent, stop };
  }

  it('reports a model turning active at once and coalesces later changes into one report per interval', async () => {
    const { queue, sent, stop } = reporting();
    queue.change('llama', { queued: 1, inflight: 0, held: 1 });
    queue.change('llama', { queued: 2, inflight: 0, held: 2 }); // the same turn: one report
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ llama: { queued: 2, inflight: 0, held: 2 } }]);
    for (let i = 1; i <= 100; i++) queue.change('llama', busy(i));
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ llama: { queued: 2, inflight: 0, held: 2 } }, { llama: busy(100) }]);
    stop();
    queue.change('mistral', { queued: 1, inflight: 0, held: 0 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toHaveLength(2);
  });

  it('lets a model turning idle wait for the interval, and reports it at once when it turns active again', async () => {
    const { queue, sent } = reporting();
    queue.change('llama', busy(1));
    await vi.advanceTimersByTimeAsync(0);
    queue.change('llama', idle);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(1); // idle can wait: KEDA scales to zero only after its cool-down
    await vi.advanceTimersByTimeAsync(500);
    expect(sent.at(-1)).toEqual({ llama: idle });
    queue.change('llama', busy(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ llama: busy(1) }, { llama: idle }, { llama: busy(1) }]);
  });

  it('sends another model turning active at once, carrying the changes waiting for the interval with it', async () => {
    const { queue, sent } = reporting();
    queue.change('llama', busy(1));
    await vi.advanceTimersByTimeAsync(0);
    queue.change('llama', busy(2));
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(1);
    queue.change('cold', { queued: 1, inflight: 0, held: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ llama: busy(1) }, { llama: busy(2), cold: { queued: 1, inflight: 0, held: 1 } }]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(2); // nothing changed since
  });
});
