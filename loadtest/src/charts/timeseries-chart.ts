/**
 * The time-series chart: stacked panels sharing the time axis (TTFT p95, throughput, queue depth,
 * replicas — whichever the run has), so cause and effect line up vertically.
 */
import { type Box, esc, frame, niceTicks, shortNumber, svgDocument, yGrid } from './svg.ts';

/** One series: points `[tSeconds, value]`; missing values are gaps. */
export interface Series {
  title: string;
  unit: string;
  points: [number, number | undefined][];
  color?: string;
  /** Draw as steps (counts such as replicas) rather than straight segments. */
  step?: boolean;
  /** A horizontal target line. */
  target?: number;
}

const WIDTH = 900;
const PANEL_H = 140;
const LEFT = 70;
const RIGHT = 30;
const GAP = 50;

function panel(s: Series, box: Box, maxT: number, last: boolean): string[] {
  const out = [frame(box, `${s.title} (${s.unit})`)];
  const values = s.points.map(([, v]) => v).filter((v): v is number => v !== undefined);
  // A series that stays at zero still gets a readable 0-1 axis.
  const ticks = niceTicks(Math.max(...values, s.target ?? 0, 1), 3);
  const top = ticks.at(-1)!;
  const x = (t: number) => box.x + (t / (maxT || 1)) * box.w;
  const y = (v: number) => box.y + box.h - (v / top) * box.h;
  for (const t of ticks) out.push(yGrid(box, y(t), shortNumber(t)));
  let d = '';
  let prev: [number, number] | undefined;
  for (const [t, v] of s.points) {
    if (v === undefined) {
      prev = undefined;
      continue;
    }
    const px = x(t).toFixed(1);
    const py = y(v).toFixed(1);
    if (!prev) d += `M${px},${py}`;
    else d += s.step ? `H${px}V${py}` : `L${px},${py}`;
    prev = [t, v];
  }
  if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color ?? '#2563eb'}" stroke-width="2"/>`);
  if (values.length === 0)
    out.push(
      `<text x="${box.x + box.w / 2}" y="${box.y + box.h / 2}" text-anchor="middle" fill="#6b7280">not available</text>`,
    );
  if (s.target !== undefined) {
    out.push(
      `<line x1="${box.x}" x2="${box.x + box.w}" y1="${y(s.target).toFixed(1)}" y2="${y(s.target).toFixed(1)}" stroke="#dc2626" stroke-dasharray="6 4"/>`,
    );
    out.push(
      `<text x="${box.x + box.w - 4}" y="${(y(s.target) - 4).toFixed(1)}" text-anchor="end" fill="#dc2626">${esc(`target ${shortNumber(s.target)} ${s.unit}`)}</text>`,
    );
  }
  for (const t of niceTicks(maxT, 8)) {
    if (t > maxT) continue;
    out.push(
      `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${box.y + box.h}" y2="${box.y + box.h + 4}" stroke="#6b7280"/>`,
    );
    if (last)
      out.push(
        `<text x="${x(t).toFixed(1)}" y="${box.y + box.h + 18}" text-anchor="middle" fill="#374151">${shortNumber(t)} s</text>`,
      );
  }
  return out;
}

/** Renders the series as stacked panels in one SVG. */
export function timeSeriesSvg(title: string, series: Series[]): string {
  const maxT = Math.max(1, ...series.flatMap((s) => s.points.map(([t]) => t)));
  const height = 60 + series.length * (PANEL_H + GAP) + 10;
  const body = series.flatMap((s, i) =>
    panel(
      s,
      { x: LEFT, y: 60 + i * (PANEL_H + GAP), w: WIDTH - LEFT - RIGHT, h: PANEL_H },
      maxT,
      i === series.length - 1,
    ),
  );
  return svgDocument(WIDTH, height, title, body);
}
