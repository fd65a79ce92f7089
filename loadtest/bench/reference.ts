/**
 * The reference scenarios one after another against a running fleet (default `npm start`'s gateway):
 * baseline, medium, high, stress, each writing its report folder, then one summary table.
 *
 *   node loadtest/bench/reference.ts [--base-url URL] [--duration 45s] [--metrics-url URL] [--scenarios a,b]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/cli/io.ts';
import { createClient } from '../src/client/stream-request.ts';
import { buildLoadReport } from '../src/report/load-report.ts';
import { formatValue, resultsTable } from '../src/report/markdown.ts';
import { writeLoadReport } from '../src/report/write-report.ts';
import { progressPrinter } from '../src/run/progress.ts';
import { runLoad } from '../src/run/run-load.ts';
import { prometheusSampler } from '../src/run/sampler.ts';
import { resolveScenario } from '../src/run/scenarios.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:8080/v1' },
    'metrics-url': { type: 'string', default: 'http://127.0.0.1:8081/metrics' },
    duration: { type: 'string', default: '45s' },
    scenarios: { type: 'string', default: 'baseline,medium,high,stress' },
    out: {
      type: 'string',
      default: join('reports', 'loadtest', `reference-${new Date().toISOString().replace(/[:.]/g, '-')}`),
    },
  },
});
const baseURL = values['base-url'];
const client = createClient({ baseURL });
const model = (await client.models.list()).data[0]?.id;
if (!model) throw new Error(`${baseURL}/models lists no model`);
const summary: string[] = [
  '| scenario | requests | TTFT P50 | TTFT P95 | TTFT P99 | TPOT avg | TPOT P95 | tok/s | req/s | errors | verdict |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
for (const name of values.scenarios.split(',')) {
  if (interrupt.signal.aborted) break;
  const scenario = resolveScenario(name, {
    durationSeconds: parseDuration(values.duration, '--duration') / 1000,
  });
  const progress = progressPrinter((t) => process.stderr.write(t), process.stderr.isTTY === true);
  process.stderr.write(`\n${name}: ${scenario.description}\n`);
  const run = await runLoad({
    client,
    model,
    scenario,
    sampler: prometheusSampler([values['metrics-url']]),
    onProgress: progress.update,
    signal: interrupt.signal,
  });
  progress.done();
  const report = buildLoadReport(run, baseURL);
  const dir = join(values.out, name);
  writeLoadReport(report, dir);
  console.log(
    `\n## ${name} (${report.scenario.summary})\n\n${resultsTable(report.checks)}\n\nReport: ${join(dir, 'report.md')}`,
  );
  const ms = (v: number) => formatValue(v, 'ms');
  summary.push(
    `| ${name} | ${report.requests.completed} | ${ms(report.ttftMs.p50)} | ${ms(report.ttftMs.p95)} | ${ms(report.ttftMs.p99)} | ` +
      `${ms(report.tpotMs.mean)} | ${ms(report.tpotMs.p95)} | ${Math.round(report.throughput.tokensPerSecond)} | ` +
      `${report.throughput.requestsPerSecond.toFixed(1)} | ${report.requests.errorRatePercent.toFixed(2)} % | ${report.passed ? '✅' : '❌'} |`,
  );
}
console.log(`\n## Summary\n\n${summary.join('\n')}`);
