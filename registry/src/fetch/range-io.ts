// Byte-range I/O for fetch: reading a range of the partial file, and receiving a ranged GET's body into a
// buffer while writing it to disk as it arrives.
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Reads `target.length` bytes at `start`; returns how many there were (fewer at end of file). */
export async function readInto(file: FileHandle, start: number, target: Buffer): Promise<number> {
  let filled = 0;
  while (filled < target.length) {
    const { bytesRead } = await file.read(target, filled, target.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** Bytes written to disk at a time while a range is still arriving, so disk and network overlap. */
const flushEveryBytes = 4 * 1024 * 1024;

/**
 * Receives a range into `into` (kept for hashing) and writes it to `file` at `start` as it arrives.
 * Consumes the body through 'data' events: an async iterator costs measurably more CPU per 64 KiB chunk.
 */
export async function receive(
  body: Readable,
  file: FileHandle,
  start: number,
  into: Buffer,
): Promise<Buffer> {
  const length = into.length;
  const writes: Promise<unknown>[] = [];
  let filled = 0;
  let flushed = 0;
  const flush = () => {
    writes.push(file.write(into, flushed, filled - flushed, start + flushed));
    flushed = filled;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      body.on('data', (chunk: Buffer) => {
        if (filled + chunk.length > length) {
          body.destroy(new Error(`range returned more than ${length} bytes`));
          return;
        }
        chunk.copy(into, filled);
        filled += chunk.length;
        if (filled - flushed >= flushEveryBytes) flush();
      });
      body.once('end', resolve);
      body.once('error', reject);
    });
    if (filled !== length) throw new Error(`range returned ${filled} of ${length} bytes`);
    if (filled > flushed) flush();
  } finally {
    await Promise.allSettled(writes);
  }
  await Promise.all(writes);
  return into;
}
