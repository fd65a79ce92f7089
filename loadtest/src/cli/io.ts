/** Where the loadtest commands write, and how durations are read from the command line. */

/** Output sinks; the same shape as llmctl's own io, so the lead can pass it straight through. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (the progress line redraws in place only then). */
  isTTY: boolean;
}

/** What a command factory needs. */
export interface CommandContext {
  io: CommandIo;
  env: Readonly<Record<string, string | undefined>>;
}

/** An error in the command's arguments; llmctl renders it as one line with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** Parses `90s`, `15m`, `1h`, `2d` or plain seconds into ms. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${option}: expected a duration like 30s, 15m or 1h, got '${text}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

/** Parses a positive number option. */
export function parsePositive(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${option}: expected a positive number, got '${text}'`);
  return n;
}
