/** Small SVG building blocks for the report charts: escaping, scales, nice ticks, axes, a document frame. */

/** Escapes text for SVG. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A 1-2-5 step covering `span` in about `count` ticks. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

/** Ticks from 0 to a nice ceiling over `max`. */
export function niceTicks(max: number, count = 5): number[] {
  const step = niceStep(max > 0 ? max : 1, count);
  const top = Math.ceil((max > 0 ? max : 1) / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A compact number label (1.5k, 250, 0.5). */
export function shortNumber(v: number): string {
  if (Math.abs(v) >= 10_000) return `${Number((v / 1000).toFixed(0))}k`;
  if (Math.abs(v) >= 1000) return `${Number((v / 1000).toFixed(1))}k`;
  return `${Number(v.toPrecision(3))}`;
}

/** A panel's drawing box. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Wraps `body` in an SVG document with a white background and a title. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A horizontal grid line with its y label, for value `v` at pixel `y`. */
export function yGrid(box: Box, y: number, label: string): string {
  return (
    `<line x1="${box.x}" x2="${box.x + box.w}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e7eb"/>` +
    `<text x="${box.x - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" fill="#374151">${esc(label)}</text>`
  );
}

/** The panel's frame (left and bottom axes) and title. */
export function frame(box: Box, title: string): string {
  return (
    `<text x="${box.x}" y="${box.y - 8}" font-weight="bold" fill="#111827">${esc(title)}</text>` +
    `<line x1="${box.x}" x2="${box.x}" y1="${box.y}" y2="${box.y + box.h}" stroke="#6b7280"/>` +
    `<line x1="${box.x}" x2="${box.x + box.w}" y1="${box.y + box.h}" y2="${box.y + box.h}" stroke="#6b7280"/>`
  );
}
