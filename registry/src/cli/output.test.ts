// Output helpers: aligned tables, human sizes, and progress bars only on terminals.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatTable } from './output.ts';
import { createProgress, renderProgressLine } from './progress.ts';

describe('formatTable', () => {
  it('pads columns to the widest cell', () => {
    expect(
      formatTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
    ).toBe('A    LONGER\nxyz  1\nq    22\n');
  });
});

describe('formatBytes', () => {
  it.each([
    [7, '7 B'],
    [6.17, '6 B'],
    [1536, '1.5 KiB'],
    [320 * 1024 * 1024, '320 MiB'],
    [2 * 1024 ** 3, '2.0 GiB'],
  ])('%d bytes is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('progress', () => {
  it('renders fraction, sizes and rate', () => {
    expect(renderProgressLine('fetch m@v1', 512 * 1024 * 1024, 1024 ** 3, 2000)).toBe(
      `[${'#'.repeat(15)}${'.'.repeat(15)}]  50%  512 MiB / 1.0 GiB  256 MiB/s  fetch m@v1`,
    );
  });

  it('draws nothing when stderr is not a terminal', () => {
    const written: string[] = [];
    const p = createProgress({ stdout: () => {}, stderr: (t) => written.push(t), isTTY: false }, 'x');
    p.update({ totalBytes: 10 });
    p.update({ bytes: 10 });
    p.finish();
    expect(written).toEqual([]);
  });

  it('draws on a terminal and ends the line', () => {
    const written: string[] = [];
    let t = 0;
    const p = createProgress(
      { stdout: () => {}, stderr: (s) => written.push(s), isTTY: true },
      'x',
      () => (t += 200),
    );
    p.update({ totalBytes: 10 });
    p.update({ bytes: 10 });
    p.finish();
    expect(written.at(-2)).toContain('100%');
    expect(written.at(-1)).toBe('\n');
  });
});
