/**
 * The Markdown report, laid out like the original analysis template: the run's facts, then the results
 * table (metric, value, target, status), then requests by prompt class, errors and the charts.
 */
import type { Check } from './checks.ts';
import type { LoadReport } from './load-report.ts';

/** A value with its unit, rounded for reading. */
export function formatValue(value: number, unit: Check['unit']): string {
  switch (unit) {
    case 'ms':
      return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;
    case 'tok/s':
      return `${Math.round(value).toLocaleString('en-US')} tok/s`;
    case 'req/s':
      return `${value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} req/s`;
    case '%':
      return `${value.toFixed(2)} %`;
  }
}

/** `✅`, `❌` or `—` (no target). */
export function statusMark(check: Check): string {
  if (check.pass === undefined) return '—';
  return check.pass ? '✅' : '❌';
}

/** The results table alone (metric, value, target, status). */
export function resultsTable(checks: readonly Check[]): string {
  const lines = ['| Metric | Value | Target | Status |', '|---|---|---|---|'];
  for (const c of checks) {
    const target = c.target ? `${c.target.op} ${formatValue(c.target.value, c.unit)}` : '—';
    lines.push(`| ${c.metric} | ${formatValue(c.value, c.unit)} | ${target} | ${statusMark(c)} |`);
  }
  return lines.join('\n');
}

/** The whole report; `charts` are file names beside the report (SVG shown, PNG linked). */
export function renderMarkdown(
  report: LoadReport,
  charts: { title: string; svg: string; png?: string }[] = [],
): string {
  const r = report.requests;
  const out = [
    `# Load test report: ${report.scenario.name}`,
    '',
    '| | |',
    '|---|---|',
    `| Target | ${report.target.baseURL} (model \`${report.target.model}\`) |`,
    `| Scenario | ${report.scenario.summary} |`,
    `| Started | ${report.startedAt} |`,
    `| Elapsed | ${(report.elapsedMs / 1000).toFixed(1)} s${report.interrupted ? ' (interrupted)' : ''} |`,
    `| Requests | ${r.completed} completed (${r.ok} ok, ${r.errors} errors), ${r.cancelled} cancelled at the end${r.skipped ? `, ${r.skipped} skipped` : ''} |`,
    `| Verdict | ${report.passed ? '✅ all targets met' : '❌ some targets missed'} |`,
    '',
    '## Results',
    '',
    resultsTable(report.checks),
    '',
    `End-to-end latency: P50 ${formatValue(report.e2eMs.p50, 'ms')}, P95 ${formatValue(report.e2eMs.p95, 'ms')}, P99 ${formatValue(report.e2eMs.p99, 'ms')}. ` +
      `Tokens: ${report.tokens.prompt.toLocaleString('en-US')} prompt, ${report.tokens.completion.toLocaleString('en-US')} completion.`,
    '',
    '## By prompt class',
    '',
    '| Class | Requests | TTFT P50 | TTFT P95 | E2E P50 |',
    '|---|---|---|---|---|',
    ...Object.entries(r.byKind).map(
      ([kind, k]) =>
        `| ${kind} | ${k.count} | ${formatValue(k.ttftP50Ms, 'ms')} | ${formatValue(k.ttftP95Ms, 'ms')} | ${formatValue(k.e2eP50Ms, 'ms')} |`,
    ),
  ];
  const reasons = Object.entries(r.errorReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) {
    out.push('', '## Errors', '', '| Status and reason | Count |', '|---|---|');
    for (const [reason, count] of reasons) out.push(`| ${reason} | ${count} |`);
  }
  if (charts.length > 0) {
    out.push('', '## Charts');
    for (const chart of charts) {
      out.push('', `### ${chart.title}`, '', `![${chart.title}](${chart.svg})`);
      if (chart.png) out.push('', `PNG: [${chart.png}](${chart.png})`);
    }
  }
  return `${out.join('\n')}\n`;
}
