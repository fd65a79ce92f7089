/** The bench:peers table: one row per path, ratios to nginx, and why a peer has no figures. */

import type { WrkResult } from '@switchyard/testkit';
import type { StreamsResult } from './streams.ts';

/** One path's outcome. */
export interface PeerRow {
  path: string;
  status: 'ok' | 'install failed' | 'start failed' | 'streams failed';
  version?: string;
  reason?: string;
  latency?: WrkResult;
  rate?: WrkResult;
  streams?: StreamsResult;
}

const us = (n: number) => (Math.abs(n) >= 10_000 ? `${(n / 1000).toFixed(1)} ms` : `${Math.round(n)} µs`);

/** Renders the Markdown table (and the failures under it). */
export function renderPeersTable(rows: readonly PeerRow[]): string {
  const direct = rows.find((r) => r.path === 'direct');
  const nginx = rows.find((r) => r.path === 'nginx');
  const lines = [
    '| path | p50 @1 | p99 @1 | added p50 | added p99 | req/s @64 | p99 @64 | errors | rate vs nginx | streams completed | longest gap |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const name = r.version ? `${r.path} ${r.version}` : r.path;
    if (!r.latency || !r.rate) {
      lines.push(`| ${name} | ${r.status}: see below | | | | | | | | | |`);
      continue;
    }
    const isDirect = r.path === 'direct';
    const added = (a: number, b: number | undefined) => (isDirect || b === undefined ? '-' : us(a - b));
    const ratio = nginx?.rate ? `${(r.rate.rps / nginx.rate.rps).toFixed(2)}x` : '-';
    const s = r.streams;
    lines.push(
      `| ${name} | ${us(r.latency.p50)} | ${us(r.latency.p99)} | ${added(r.latency.p50, direct?.latency?.p50)} | ` +
        `${added(r.latency.p99, direct?.latency?.p99)} | ${Math.round(r.rate.rps).toLocaleString('en-US')} | ` +
        `${(r.rate.p99 / 1000).toFixed(1)} ms | ${r.latency.errors + r.rate.errors} | ${ratio} | ` +
        `${s ? `${s.completed}/${s.streams}` : r.status} | ${s ? `${s.maxGapMs.toFixed(0)} ms` : '-'} |`,
    );
  }
  const notes = [
    ...rows.filter((r) => r.reason).map((r) => `- ${r.path}: ${r.status}: ${r.reason}`),
    ...rows
      .filter((r) => r.streams?.firstFailure)
      .map((r) => `- ${r.path}: streams failed with: ${r.streams!.firstFailure!.replace(/\s+/g, ' ')}`),
  ];
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}
