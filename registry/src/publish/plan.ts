// Pure planning for publish: which files a model directory holds, and how each is cut into parts. S3
// allows at most 10,000 parts of at least 5 MiB, so very large files get larger parts.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryError } from '../errors.ts';

/** S3's limit on parts per multipart upload. */
export const maxPartsPerUpload = 10_000;
const MiB = 1024 * 1024;

/** One byte range of a file; `end` is exclusive. */
export interface PartRange {
  partNumber: number;
  start: number;
  end: number;
}

/** How one file goes up: a single PUT, or multipart with these parts. */
export type UploadPlan =
  | { kind: 'single'; size: number }
  | { kind: 'multipart'; size: number; parts: PartRange[] };

/** Files up to `partSizeBytes` go in one PUT; larger ones in parts, grown if 10,000 would not suffice. */
export function planUpload(size: number, partSizeBytes: number): UploadPlan {
  if (size <= partSizeBytes) return { kind: 'single', size };
  const minimum = Math.ceil(size / maxPartsPerUpload / MiB) * MiB;
  const partSize = Math.max(partSizeBytes, minimum);
  return { kind: 'multipart', size, parts: splitRanges(size, partSize) };
}

/** Cuts `[0, size)` into consecutive ranges of `chunkSize` (the last may be shorter), numbered from 1. */
export function splitRanges(size: number, chunkSize: number): PartRange[] {
  const parts: PartRange[] = [];
  for (let start = 0, n = 1; start < size; start += chunkSize, n++) {
    parts.push({ partNumber: n, start, end: Math.min(size, start + chunkSize) });
  }
  return parts;
}

/** A file found in the model directory. */
export interface LocalFile {
  /** Path relative to the directory, with `/` separators. */
  path: string;
  absolutePath: string;
  size: number;
}

/** Lists every regular file under `dir` (following symlinks to files), sorted by relative path. */
export async function scanModelDirectory(dir: string): Promise<LocalFile[]> {
  const top = await stat(dir).catch(() => undefined);
  if (!top?.isDirectory())
    throw new RegistryError('invalid', `model directory ${dir} does not exist or is not a directory`);
  const files: LocalFile[] = [];
  async function walk(absolute: string, relative: string) {
    for (const entry of await readdir(absolute, { withFileTypes: true })) {
      const abs = join(absolute, entry.name);
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const info = await stat(abs);
      if (info.isDirectory()) await walk(abs, rel);
      else if (info.isFile()) files.push({ path: rel, absolutePath: abs, size: info.size });
    }
  }
  await walk(dir, '');
  if (files.length === 0) throw new RegistryError('invalid', `model directory ${dir} has no files`);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
