/**
 * The latency-distribution chart: one panel per latency (TTFT, TPOT), request counts in log-spaced bins
 * on a log time axis, with the P50/P95/P99 marked and the target drawn when there is one.
 */
import type { DistributionBin } from '../stats/distribution.ts';
import { type Box, esc, frame, niceTicks, shortNumber, svgDocument, yGrid } from './svg.ts';

/** One panel of the chart. */
export interface DistributionPanel {
  title: string;
  bins: DistributionBin[];
  markers: { label: string; ms: number }[];
  targetMs?: number;
}

const WIDTH = 900;
const PANEL_H = 220;
const LEFT = 70;
const RIGHT = 30;

function msLabel(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`;
}

function panel(p: DistributionPanel, box: Box): string[] {
  const out = [frame(box, p.title)];
  if (p.bins.length === 0) {
    out.push(
      `<text x="${box.x + box.w / 2}" y="${box.y + box.h / 2}" text-anchor="middle" fill="#6b7280">no data</text>`,
    );
    return out;
  }
  const lo = Math.log10(p.bins[0]!.fromMs);
  const hi = Math.log10(
    Math.max(p.bins.at(-1)!.toMs, ...p.markers.map((m) => m.ms * 1.05), p.targetMs ? p.targetMs * 1.1 : 0),
  );
  const x = (ms: number) => box.x + ((Math.log10(ms) - lo) / (hi - lo || 1)) * box.w;
  const maxCount = Math.max(...p.bins.map((b) => b.count));
  const ticks = niceTicks(maxCount, 4);
  const top = ticks.at(-1)!;
  const y = (c: number) => box.y + box.h - (c / top) * box.h;
  for (const t of ticks) out.push(yGrid(box, y(t), shortNumber(t)));
  for (const b of p.bins) {
    const x0 = x(b.fromMs);
    const w = Math.max(1, x(b.toMs) - x0 - 1);
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${y(b.count).toFixed(1)}" width="${w.toFixed(1)}" height="${(box.y + box.h - y(b.count)).toFixed(1)}" fill="#60a5fa"/>`,
    );
  }
  for (let d = Math.floor(lo); d <= Math.floor(hi); d++) {
    for (const m of [1, 2, 5]) {
      const ms = m * 10 ** d;
      if (Math.log10(ms) < lo || Math.log10(ms) > hi) continue;
      out.push(
        `<text x="${x(ms).toFixed(1)}" y="${box.y + box.h + 16}" text-anchor="middle" fill="#374151">${esc(msLabel(ms))}</text>`,
      );
    }
  }
  const colors = ['#059669', '#d97706', '#dc2626'];
  p.markers.forEach((m, i) => {
    const mx = x(Math.max(m.ms, 10 ** lo)).toFixed(1);
    out.push(
      `<line x1="${mx}" x2="${mx}" y1="${box.y}" y2="${box.y + box.h}" stroke="${colors[i % 3]}" stroke-dasharray="4 3"/>`,
    );
    out.push(
      `<text x="${Number(mx) + 4}" y="${box.y + 12 + i * 14}" fill="${colors[i % 3]}">${esc(`${m.label} ${msLabel(m.ms)}`)}</text>`,
    );
  });
  if (p.targetMs) {
    const tx = x(p.targetMs).toFixed(1);
    out.push(
      `<line x1="${tx}" x2="${tx}" y1="${box.y}" y2="${box.y + box.h}" stroke="#111827" stroke-width="2"/>`,
    );
    out.push(
      `<text x="${Number(tx) - 4}" y="${box.y + box.h - 6}" text-anchor="end" fill="#111827">${esc(`target ${msLabel(p.targetMs)}`)}</text>`,
    );
  }
  out.push(
    `<text x="${box.x - 50}" y="${box.y + box.h / 2}" transform="rotate(-90 ${box.x - 50} ${box.y + box.h / 2})" text-anchor="middle" fill="#374151">requests</text>`,
  );
  return out;
}

/** Renders the distribution panels as one SVG. */
export function latencyDistributionSvg(title: string, panels: DistributionPanel[]): string {
  const height = 50 + panels.length * (PANEL_H + 60);
  const body = panels.flatMap((p, i) =>
    panel(p, { x: LEFT, y: 60 + i * (PANEL_H + 60), w: WIDTH - LEFT - RIGHT, h: PANEL_H }),
  );
  return svgDocument(WIDTH, height, title, body);
}
