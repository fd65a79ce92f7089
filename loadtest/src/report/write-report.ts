/**
 * Writes a run's report into a folder: `report.json`, `report.md`, and the charts as SVG and PNG
 * (`latency-distribution.*`, `timeseries.*`). A chart that cannot be rasterized keeps its SVG and the
 * reason is returned, so a missing native binary never loses the report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latencyDistributionSvg } from '../charts/latency-chart.ts';
import { svgToPng } from '../charts/png.ts';
import { type Series, timeSeriesSvg } from '../charts/timeseries-chart.ts';
import type { Targets } from './checks.ts';
import { DEFAULT_TARGETS } from './checks.ts';
import type { LoadReport } from './load-report.ts';
import { renderMarkdown } from './markdown.ts';

/** What was written. */
export interface WrittenReport {
  dir: string;
  files: string[];
  pngErrors: string[];
}

/** The time series a report can show: TTFT p95 and throughput always, queue depth and replicas when sampled. */
export function timelineSeries(report: LoadReport, targets: Targets = DEFAULT_TARGETS): Series[] {
  const t = report.timeline;
  const seconds = (ms: number) => ms / 1000;
  const perSecond = report.timeline.length > 1 ? (t[1]!.tMs - t[0]!.tMs) / 1000 : 1;
  const series: Series[] = [
    {
      title: 'TTFT p95',
      unit: 'ms',
      points: t.map((p) => [seconds(p.tMs), p.ttftP95Ms]),
      target: targets.ttftP95Ms,
      color: '#2563eb',
    },
    {
      title: 'Output throughput',
      unit: 'tok/s',
      points: t.map((p) => [seconds(p.tMs), p.completionTokens / perSecond]),
      color: '#059669',
    },
  ];
  if (t.some((p) => p.inFlight !== undefined))
    series.push({
      title: 'Requests in flight',
      unit: 'requests',
      points: t.map((p) => [seconds(p.tMs), p.inFlight]),
      color: '#6b7280',
      step: true,
    });
  if (t.some((p) => p.queueDepth !== undefined))
    series.push({
      title: 'Queue depth',
      unit: 'requests',
      points: t.map((p) => [seconds(p.tMs), p.queueDepth]),
      color: '#d97706',
      step: true,
    });
  if (t.some((p) => p.replicas !== undefined))
    series.push({
      title: 'Replicas',
      unit: 'pods',
      points: t.map((p) => [seconds(p.tMs), p.replicas]),
      color: '#7c3aed',
      step: true,
    });
  return series;
}

/** Writes the report's files into `dir` (created if needed). */
export function writeLoadReport(
  report: LoadReport,
  dir: string,
  targets: Targets = DEFAULT_TARGETS,
): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const pngErrors: string[] = [];
  const write = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    files.push(join(dir, name));
  };
  const charts = [
    {
      name: 'latency-distribution',
      title: 'Latency distribution',
      svg: latencyDistributionSvg(`Latency distribution: ${report.scenario.name}`, [
        {
          title: 'Time to first token',
          bins: report.distribution.ttftMs,
          markers: [
            { label: 'P50', ms: report.ttftMs.p50 },
            { label: 'P95', ms: report.ttftMs.p95 },
            { label: 'P99', ms: report.ttftMs.p99 },
          ],
          targetMs: targets.ttftP95Ms,
        },
        {
          title: 'Time per output token',
          bins: report.distribution.tpotMs,
          markers: [
            { label: 'P50', ms: report.tpotMs.p50 },
            { label: 'P95', ms: report.tpotMs.p95 },
            { label: 'P99', ms: report.tpotMs.p99 },
          ],
          targetMs: targets.tpotP95Ms,
        },
      ]),
    },
    {
      name: 'timeseries',
      title: 'Over time',
      svg: timeSeriesSvg(`Over time: ${report.scenario.name}`, timelineSeries(report, targets)),
    },
  ];
  const linked: { title: string; svg: string; png?: string }[] = [];
  for (const chart of charts) {
    write(`${chart.name}.svg`, chart.svg);
    const entry: { title: string; svg: string; png?: string } = {
      title: chart.title,
      svg: `${chart.name}.svg`,
    };
    try {
      write(`${chart.name}.png`, svgToPng(chart.svg));
      entry.png = `${chart.name}.png`;
    } catch (error) {
      pngErrors.push(`${chart.name}.png: ${(error as Error).message}`);
    }
    linked.push(entry);
  }
  write('report.json', `${JSON.stringify(report, null, 2)}\n`);
  write('report.md', renderMarkdown(report, linked));
  return { dir, files, pngErrors };
}
