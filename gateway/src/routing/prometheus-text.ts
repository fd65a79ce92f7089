/**
 * A small parser for the Prometheus text exposition format (what vLLM's `/metrics` serves): enough for
 * gauges and counters, with label escapes. Histogram and summary series come through as plain samples.
 */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(text: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start;
  while (i < text.length && text[i] !== '}') {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') break;
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error('label without "="');
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    if (text[i] !== '"') throw new Error(`label ${key} value not quoted`);
    i++;
    let value = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        i += 2;
      } else {
        value += text[i++];
      }
    }
    labels[key] = value;
    i++; // closing quote
  }
  return { labels, end: i + 1 };
}

function parseValue(token: string): number {
  if (token === '+Inf') return Number.POSITIVE_INFINITY;
  if (token === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(token);
}

/** Parses exposition text; lines that do not parse are skipped. Pass `names` to keep only those metrics. */
export function parsePrometheusText(text: string, names?: ReadonlySet<string>): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
    if (nameEnd <= 0) continue;
    const name = line.slice(0, nameEnd);
    if (names && !names.has(name)) continue;
    try {
      let labels: Record<string, string> = {};
      let rest = nameEnd;
      if (line[nameEnd] === '{') ({ labels, end: rest } = parseLabels(line, nameEnd + 1));
      const value = parseValue(line.slice(rest).trim().split(/\s+/)[0] ?? '');
      if (!Number.isNaN(value)) samples.push({ name, labels, value });
    } catch {
      // A malformed line costs only itself.
    }
  }
  return samples;
}
