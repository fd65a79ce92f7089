/** The trace analysis as text: slowest operations, the phase breakdown, the slowest requests, the verdict. */
import type { TraceAnalysis } from './analyze-traces.ts';

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Renders `analysis` for a terminal. */
export function renderTraceAnalysis(analysis: TraceAnalysis, service: string): string {
  const out: string[] = [];
  out.push(
    `Analyzed ${analysis.requests} requests in ${analysis.traces} traces of ${service}: ` +
      `total p50 ${ms(analysis.totalMs.p50)} ms, p95 ${ms(analysis.totalMs.p95)} ms, p99 ${ms(analysis.totalMs.p99)} ms`,
    '',
    'Slowest operations (by p95)',
    table(
      ['service / operation', 'count', 'p50 ms', 'p95 ms', 'max ms'],
      analysis.slowestOperations
        .slice(0, 10)
        .map((o) => [
          `${o.service} / ${o.operation}`,
          String(o.count),
          ms(o.p50Ms),
          ms(o.p95Ms),
          ms(o.maxMs),
        ]),
    ),
    '',
    'Where a typical request spends its time',
    table(
      ['phase', 'p50 ms', 'p95 ms', '% of total'],
      analysis.breakdown.map((p) => [p.label, ms(p.p50Ms), ms(p.p95Ms), `${p.sharePercent.toFixed(1)} %`]),
    ),
  );
  if (analysis.engine) {
    out.push(
      `  inside upstream TTFT (p50): engine queue ${ms(analysis.engine.queueP50Ms)} ms, prefill ${ms(analysis.engine.prefillP50Ms)} ms, ` +
        `transport ${ms(analysis.engine.transportP50Ms)} ms`,
    );
  }
  if (analysis.slowestRequests.length > 0) {
    out.push(
      '',
      'Slowest requests',
      table(
        ['trace id', 'total ms', 'most time in'],
        analysis.slowestRequests.map((r) => [r.traceId, ms(r.totalMs), r.dominantPhase]),
      ),
    );
  }
  const c = analysis.classification;
  if (c) {
    const also = c.secondary.length > 0 ? ` (also ${c.secondary.join(', ')})` : '';
    out.push('', `Classification: ${c.primary}${also}`, 'Evidence:', ...c.evidence.map((e) => `  - ${e}`));
    out.push('Next:', ...c.nextSteps.map((s) => `  - ${s}`));
  } else {
    out.push(
      '',
      'No gateway requests found: is tracing on (OTEL_EXPORTER_OTLP_ENDPOINT) and the service name right?',
    );
  }
  return `${out.join('\n')}\n`;
}
