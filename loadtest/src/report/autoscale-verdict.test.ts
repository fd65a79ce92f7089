import { describe, expect, it } from 'vitest';
import type { RequestResult } from '../client/stream-request.ts';
import type { TimelinePoint } from '../run/collector.ts';
import { behavioursTable, evaluateAutoscale } from './autoscale-verdict.ts';

const first: RequestResult = {
  kind: 'short',
  startMs: 0,
  status: 200,
  ok: true,
  cancelled: false,
  ttftMs: 4_000,
  e2eMs: 4_500,
  promptTokens: 10,
  completionTokens: 20,
};

/** A healthy run: 0 replicas, cold start, up to 4 under load, TTFT spike then recovery, back to 0. */
const healthy: TimelinePoint[] = [
  [0, 0, undefined],
  [10_000, 1, 4_000],
  [20_000, 2, 2_500],
  [30_000, 4, 900],
  [40_000, 4, 300],
  [50_000, 4, 250],
  [70_000, 2, undefined],
  [90_000, 0, undefined],
].map(([tMs, replicas, ttftP95Ms]) => ({
  tMs: tMs as number,
  completed: 0,
  errors: 0,
  completionTokens: 0,
  replicas: replicas as number,
  ...(ttftP95Ms !== undefined ? { ttftP95Ms: ttftP95Ms as number } : {}),
}));

const input = { timeline: healthy, first, loadEndMs: 60_000, ttftTargetMs: 500 };

describe('evaluateAutoscale', () => {
  it('passes all four behaviours on a healthy run, with evidence', () => {
    const verdict = evaluateAutoscale(input);
    expect(verdict.map((b) => b.pass)).toEqual([true, true, true, true]);
    expect(verdict[1]?.evidence).toBe('replicas reached 4 at 30 s');
    expect(verdict[2]?.evidence).toContain('peaked at 4000 ms');
    expect(verdict[3]?.evidence).toBe('replicas 0 at 90 s, 30 s after load stopped');
  });

  it('fails the hold when the first request failed or the fleet did not start at zero', () => {
    expect(evaluateAutoscale({ ...input, first: { ...first, ok: false, status: 503 } })[0]?.pass).toBe(false);
    const warm = healthy.map((p, i) => (i === 0 ? { ...p, replicas: 1 } : p));
    expect(evaluateAutoscale({ ...input, timeline: warm })[0]?.pass).toBe(false);
  });

  it('fails the scale-up when replicas never pass one', () => {
    const flat = healthy.map((p) => ({ ...p, replicas: Math.min(1, p.replicas ?? 0) }));
    expect(evaluateAutoscale({ ...input, timeline: flat })[1]?.pass).toBe(false);
  });

  it('fails the recovery when TTFT p95 stays high under load', () => {
    const stuck = healthy.map((p) => (p.ttftP95Ms !== undefined ? { ...p, ttftP95Ms: 4_000 } : p));
    expect(evaluateAutoscale({ ...input, timeline: stuck })[2]?.pass).toBe(false);
  });

  it('judges recovery under the peak load only, when the peak stage is known', () => {
    // TTFT falls only after the peak stage (less load, not more replicas): not a recovery.
    const late = healthy.map((p) => (p.tMs === 40_000 || p.tMs === 50_000 ? { ...p, ttftP95Ms: 3_000 } : p));
    expect(
      evaluateAutoscale({ ...input, timeline: late, peakLoad: { fromMs: 30_000, toMs: 60_000 } })[2]?.pass,
    ).toBe(false);
    expect(evaluateAutoscale({ ...input, peakLoad: { fromMs: 30_000, toMs: 60_000 } })[2]).toMatchObject({
      pass: true,
      evidence: 'TTFT p95 peaked at 900 ms (30 s), came down to 250 ms (50 s) under load',
    });
  });

  it('fails the scale to zero when replicas remain after the wait', () => {
    const stays = healthy.map((p) => (p.tMs > 60_000 ? { ...p, replicas: 1 } : p));
    expect(evaluateAutoscale({ ...input, timeline: stays })[3]).toMatchObject({
      pass: false,
      evidence: 'replicas 1 at the end of the wait',
    });
  });

  it('renders a table with ✅ and ❌', () => {
    expect(behavioursTable(evaluateAutoscale(input))).toContain(
      '| scales up under load | ✅ | replicas reached 4 at 30 s |',
    );
  });
});
