// Receiving one ranged GET's body straight into its place in the partial file: the chunks the socket hands
// over are written where they belong (positional writes, batched while a write is in flight, as a file
// write stream does), never copied into a buffer of ours; the caller learns of each completed write so the
// digest can follow the bytes onto disk.
import { writev } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/**
 * Received but unwritten bytes above which the body is paused until the write in flight completes. Measured
 * on loopback with two cores (docs/registry.md): 1 MiB keeps the socket flowing during a write and batches
 * ~16 socket chunks per writev; 16 KiB (a write stream's default) waits on every write's round trip to the
 * thread pool, and several MiB made both client and server spend more CPU per byte.
 */
const maxPendingBytes = 1024 * 1024;

/** Writes all of `chunks` at `position` (callback API: measurably cheaper per call than FileHandle's promises). */
function writeAll(fd: number, chunks: Buffer[], position: number, done: (error: Error | null) => void): void {
  writev(fd, chunks, position, (error, bytesWritten) => {
    if (error) return done(error);
    let skip = bytesWritten;
    let rest = chunks;
    while (rest.length > 0 && skip >= rest[0]!.length) {
      skip -= rest[0]!.length;
      rest = rest.slice(1);
    }
    if (rest.length === 0) return done(null);
    if (bytesWritten === 0) return done(new Error(`no progress writing at byte ${position}`));
    writeAll(fd, [rest[0]!.subarray(skip), ...rest.slice(1)], position + bytesWritten, done);
  });
}

/**
 * Receives exactly `length` bytes from `body` into `file` at `start`; `onWritten(n)` after each completed
 * write. Consumes the body through 'data' events (an async iterator costs measurably more CPU per
 * 64 KiB chunk) and pauses it while too much waits to be written, so memory stays flat.
 */
export function receiveRange(
  body: Readable,
  file: FileHandle,
  start: number,
  length: number,
  onWritten: (bytes: number) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let received = 0;
    let position = start;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let writing = false;
    let ended = false;
    let failure: { error: unknown } | undefined;
    // Never settles while a write is in flight: the caller may close the file as soon as this settles.
    const fail = (error: unknown) => {
      if (failure) return;
      failure = { error };
      body.destroy();
      if (!writing) reject(error);
    };
    const flush = () => {
      if (failure || writing) return;
      if (pendingBytes === 0) {
        if (!ended) return;
        if (received !== length) fail(new Error(`range returned ${received} of ${length} bytes`));
        else resolve();
        return;
      }
      const batch = pending;
      const bytes = pendingBytes;
      pending = [];
      pendingBytes = 0;
      writing = true;
      writeAll(file.fd, batch, position, (error) => {
        writing = false;
        if (error) fail(error);
        else {
          position += bytes;
          onWritten(bytes);
        }
        if (failure) return reject(failure.error);
        if (body.isPaused() && !ended) body.resume();
        flush();
      });
    };
    body.on('data', (chunk: Buffer) => {
      if (failure) return;
      received += chunk.length;
      if (received > length) {
        fail(new Error(`range returned more than ${length} bytes`));
        return;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (!writing) flush();
      else if (pendingBytes >= maxPendingBytes) body.pause();
    });
    body.once('end', () => {
      ended = true;
      flush();
    });
    body.once('error', fail);
  });
}
