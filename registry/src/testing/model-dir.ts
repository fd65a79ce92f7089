// Generates model directories for tests and the benchmark: files of given sizes with pseudo-random,
// position-dependent bytes, written in 1 MiB blocks (memory stays flat even for multi-GiB files).
import { randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One file to generate. */
export interface GeneratedFile {
  path: string;
  size: number;
}

const blockSize = 1024 * 1024;

/** Writes the files under `dir`; every 1 MiB block differs (a counter is stamped into a random block). */
export async function writeModelDir(dir: string, files: readonly GeneratedFile[]): Promise<void> {
  const block = randomBytes(blockSize);
  let counter = 0;
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const handle = await open(target, 'w');
    try {
      for (let written = 0; written < file.size; written += blockSize) {
        block.writeUInt32BE(counter++, 0);
        await handle.write(block, 0, Math.min(blockSize, file.size - written));
      }
    } finally {
      await handle.close();
    }
  }
}
