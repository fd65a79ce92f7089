// Output helpers for the CLI: where text goes (injectable for tests), aligned tables, byte sizes.

/** Where commands write; the real one wraps process.stdout/stderr. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  isTTY: boolean;
}

/** The process's own stdout/stderr. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
};

/** `--output` values. */
export type OutputFormat = 'table' | 'json';

/** Renders rows under headers with columns padded to the widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** Human byte size: 1.5 GiB, 320 MiB, 12 KiB, 7 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Writes `value` as JSON or calls `table` for the table form. */
export function writeOutput(io: CliIo, format: OutputFormat, value: unknown, table: () => string): void {
  io.stdout(format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : table());
}
