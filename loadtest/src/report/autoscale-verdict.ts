/**
 * The four behaviours an autoscaling run must show, judged from its timeline: the first request, sent
 * while the model had zero replicas, was held and served; replicas rose under load; TTFT p95 came back
 * down after the scale-up while load continued; replicas returned to zero after the cooldown.
 */
import type { RequestResult } from '../client/stream-request.ts';
import type { TimelinePoint } from '../run/collector.ts';

/** One behaviour's verdict. */
export interface Behaviour {
  name: string;
  pass: boolean;
  evidence: string;
}

/** What the verdict reads. */
export interface AutoscaleInput {
  timeline: readonly TimelinePoint[];
  first: RequestResult | undefined;
  /** When load stopped, ms from the start. */
  loadEndMs: number;
  /** TTFT p95 counted as recovered below this, ms (the target). */
  ttftTargetMs: number;
  /** When the load was at its peak (the stress stage); recovery is judged under that same load. */
  peakLoad?: { fromMs: number; toMs: number };
}

const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/** Judges the four behaviours. */
export function evaluateAutoscale(input: AutoscaleInput): Behaviour[] {
  const t = input.timeline;
  const withReplicas = t.filter((p) => p.replicas !== undefined);
  const startReplicas = withReplicas[0]?.replicas;
  const first = input.first;
  const held: Behaviour = {
    name: 'first request at zero replicas is held and served',
    pass: startReplicas === 0 && first?.ok === true,
    evidence:
      `replicas at start ${startReplicas ?? 'unknown'}; first request ` +
      (first
        ? `${first.ok ? 'answered' : `failed (${first.status} ${first.error ?? ''})`} after ${s(first.e2eMs)}, TTFT ${s(first.ttftMs ?? 0)}`
        : 'never ended'),
  };

  const during = withReplicas.filter((p) => p.tMs <= input.loadEndMs);
  const peak = during.reduce<TimelinePoint | undefined>(
    (m, p) => ((p.replicas ?? 0) > (m?.replicas ?? 0) ? p : m),
    undefined,
  );
  const scaledUp: Behaviour = {
    name: 'scales up under load',
    pass: (peak?.replicas ?? 0) >= 2,
    evidence: peak ? `replicas reached ${peak.replicas} at ${s(peak.tMs)}` : 'no replica samples',
  };

  const window = input.peakLoad ?? { fromMs: 0, toMs: input.loadEndMs };
  // Only intervals wholly inside the window: one that straddles its end already sees the lighter load.
  const step = t.length > 1 ? t[1]!.tMs - t[0]!.tMs : 0;
  const loaded = t.filter(
    (p) => p.tMs >= window.fromMs && p.tMs + step <= window.toMs && p.ttftP95Ms !== undefined,
  );
  const worst = loaded.reduce<TimelinePoint | undefined>(
    (m, p) => ((p.ttftP95Ms ?? 0) > (m?.ttftP95Ms ?? 0) ? p : m),
    undefined,
  );
  const after = worst ? loaded.filter((p) => p.tMs > worst.tMs) : [];
  const best = after.reduce<TimelinePoint | undefined>(
    (m, p) => (m === undefined || (p.ttftP95Ms ?? 0) < (m.ttftP95Ms ?? 0) ? p : m),
    undefined,
  );
  const recoveredTo = Math.max(input.ttftTargetMs, (worst?.ttftP95Ms ?? 0) / 2);
  const recovered: Behaviour = {
    name: 'TTFT p95 recovers after the scale-up',
    pass: worst !== undefined && best !== undefined && (best.ttftP95Ms ?? Infinity) <= recoveredTo,
    evidence:
      worst && best
        ? `TTFT p95 peaked at ${Math.round(worst.ttftP95Ms ?? 0)} ms (${s(worst.tMs)}), came down to ${Math.round(best.ttftP95Ms ?? 0)} ms (${s(best.tMs)}) under load`
        : 'no TTFT samples after the peak under load',
  };

  const afterLoad = withReplicas.filter((p) => p.tMs > input.loadEndMs);
  const zero = afterLoad.find((p) => p.replicas === 0);
  const toZero: Behaviour = {
    name: 'scales back to zero after the cooldown',
    pass: zero !== undefined,
    evidence: zero
      ? `replicas 0 at ${s(zero.tMs)}, ${s(zero.tMs - input.loadEndMs)} after load stopped`
      : `replicas ${afterLoad.at(-1)?.replicas ?? 'unknown'} at the end of the wait`,
  };
  return [held, scaledUp, recovered, toZero];
}

/** The behaviours as a Markdown table. */
export function behavioursTable(behaviours: readonly Behaviour[]): string {
  return [
    '| Behaviour | Status | Evidence |',
    '|---|---|---|',
    ...behaviours.map((b) => `| ${b.name} | ${b.pass ? '✅' : '❌'} | ${b.evidence} |`),
  ].join('\n');
}
