// Upload planning: one PUT for small files, parts for large ones, never more than S3's 10,000 parts.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maxPartsPerUpload, planUpload, scanModelDirectory, splitRanges } from './plan.ts';

const MiB = 1024 * 1024;

describe('planUpload', () => {
  it('sends a file up to the part size in one PUT', () => {
    expect(planUpload(16 * MiB, 16 * MiB)).toEqual({ kind: 'single', size: 16 * MiB });
    expect(planUpload(0, 16 * MiB)).toEqual({ kind: 'single', size: 0 });
  });

  it('cuts a larger file into consecutive parts numbered from 1', () => {
    const plan = planUpload(40 * MiB, 16 * MiB);
    expect(plan.kind).toBe('multipart');
    if (plan.kind !== 'multipart') return;
    expect(plan.parts).toEqual([
      { partNumber: 1, start: 0, end: 16 * MiB },
      { partNumber: 2, start: 16 * MiB, end: 32 * MiB },
      { partNumber: 3, start: 32 * MiB, end: 40 * MiB },
    ]);
  });

  it('grows the part size so a 1 TiB file fits in 10,000 parts', () => {
    const plan = planUpload(1024 * 1024 * MiB, 16 * MiB);
    if (plan.kind !== 'multipart') throw new Error('expected multipart');
    expect(plan.parts.length).toBeLessThanOrEqual(maxPartsPerUpload);
    expect(plan.parts.at(-1)!.end).toBe(1024 * 1024 * MiB);
  });
});

describe('splitRanges', () => {
  it('covers the size exactly with a shorter last range', () => {
    expect(splitRanges(10, 4)).toEqual([
      { partNumber: 1, start: 0, end: 4 },
      { partNumber: 2, start: 4, end: 8 },
      { partNumber: 3, start: 8, end: 10 },
    ]);
    expect(splitRanges(0, 4)).toEqual([]);
  });
});

describe('scanModelDirectory', () => {
  it('lists nested files with relative POSIX paths, sorted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-'));
    await mkdir(join(dir, 'tokenizer'));
    await writeFile(join(dir, 'tokenizer', 'vocab.json'), 'abc');
    await writeFile(join(dir, 'config.json'), '{}');
    const files = await scanModelDirectory(dir);
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['config.json', 2],
      ['tokenizer/vocab.json', 3],
    ]);
  });

  it('rejects an empty or missing directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scan-'));
    await expect(scanModelDirectory(dir)).rejects.toThrow('has no files');
    await expect(scanModelDirectory(join(dir, 'nope'))).rejects.toThrow('does not exist');
  });
});
