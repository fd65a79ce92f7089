// Downloads one object with parallel ranged GETs into `<target>.llmctl-partial`, hashing chunks in order as
// they land (a bounded window keeps memory flat), resuming from the sidecar's finished chunks, and
// renaming to the target only once the SHA-256 matches the manifest. On mismatch it deletes the partial.
import { open, rename } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RegistryError } from '../errors.ts';
import { splitRanges } from '../publish/plan.ts';
import { BufferPool } from '../transfer/buffer-pool.ts';
import { sharedBuffer, workerDigest } from '../transfer/hash-worker.ts';
import { partialPaths, readPartialState, removePartial, writePartialState } from './partial-state.ts';
import { readInto, receive } from './range-io.ts';

/** What downloadFile needs to know. */
export interface DownloadFileOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  target: string;
  /** For messages: `model@version:path`. */
  label: string;
  size: number;
  sha256: string;
  chunkSizeBytes: number;
  concurrency: number;
  signal?: AbortSignal | undefined;
  onBytes?: ((n: number) => void) | undefined;
}

/** Bytes taken from a previous partial download vs fetched now. */
export interface DownloadStats {
  reusedBytes: number;
  downloadedBytes: number;
}

/** Slice size for hashing reused chunks from disk. */
const reuseSliceBytes = 1024 * 1024;

/**
 * Downloads, verifies and renames into place; see the module comment. A mismatch after reusing a partial
 * download retries once from scratch, since the bad bytes may have been the partial's.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<DownloadStats> {
  try {
    return await downloadOnce(options);
  } catch (err) {
    if (err instanceof ReusedPartialMismatch) return downloadOnce(options);
    throw err;
  }
}

class ReusedPartialMismatch extends Error {}

async function downloadOnce(options: DownloadFileOptions): Promise<DownloadStats> {
  const { s3, target, signal } = options;
  const paths = partialPaths(target);
  const identity = { sha256: options.sha256, size: options.size, chunkSizeBytes: options.chunkSizeBytes };
  const previous = await readPartialState(paths.state, identity);
  const done = new Set(previous?.done ?? []);
  const file = await open(paths.data, previous ? 'r+' : 'w+').catch(() => open(paths.data, 'w+'));
  const chunks = splitRanges(options.size, options.chunkSizeBytes);
  const hash = workerDigest();
  // Chunks in [cursor, cursor + window) are the only ones holding buffers, so `window` buffers suffice.
  const window = options.concurrency + 1;
  // Filled from JavaScript, so moved to the digest worker and back rather than shared (see hash-worker.ts).
  const pool = new BufferPool(window, Math.min(options.chunkSizeBytes, options.size), { shared: false });
  const scratch = sharedBuffer(Math.min(reuseSliceBytes, options.chunkSizeBytes, Math.max(1, options.size)));
  const landed = new Map<number, Buffer>();
  const stats: DownloadStats = { reusedBytes: 0, downloadedBytes: 0 };
  let cursor = 0;
  let next = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void)[] = [];
  let stateWrite = Promise.resolve();
  const notify = () => {
    const waiters = wake;
    wake = [];
    for (const w of waiters) w();
  };

  // The hasher: consumes chunks strictly in order, from memory if just downloaded, from disk if reused.
  let hashing = Promise.resolve();
  const advance = () => {
    hashing = hashing.then(async () => {
      while (cursor < chunks.length) {
        const range = chunks[cursor]!;
        const arrived = landed.get(cursor);
        if (arrived) {
          landed.delete(cursor);
          pool.release(await hash.updateMoving(arrived));
        } else if (previous && done.has(cursor) && !failure) {
          await hashFromDisk(range);
        } else break;
        cursor++;
        notify();
      }
    });
  };

  // A reused chunk is hashed from the partial file in small slices through one scratch buffer.
  async function hashFromDisk(range: { start: number; end: number }) {
    for (let at = range.start; at < range.end; at += scratch.length) {
      const slice = scratch.subarray(0, Math.min(scratch.length, range.end - at));
      const read = await readInto(file, at, slice);
      await hash.update(slice.subarray(0, read));
      stats.reusedBytes += read;
      options.onBytes?.(read);
      if (read < slice.length) return; // a short partial: the digest will not match and we start over
    }
  }

  async function worker() {
    while (!failure) {
      while (next < chunks.length && previous && done.has(next)) next++;
      if (next >= chunks.length) return;
      const index = next++;
      while (index >= cursor + window && !failure) await new Promise<void>((r) => wake.push(r));
      if (failure) return;
      const range = chunks[index]!;
      const pooled = await pool.acquire();
      try {
        signal?.throwIfAborted();
        const out = await s3.send(
          new GetObjectCommand({
            Bucket: options.bucket,
            Key: options.key,
            Range: `bytes=${range.start}-${range.end - 1}`,
          }),
          signal ? { abortSignal: signal } : {},
        );
        const bytes = await receive(
          out.Body as Readable,
          file,
          range.start,
          pooled.subarray(0, range.end - range.start),
        );
        done.add(index);
        stats.downloadedBytes += bytes.length;
        options.onBytes?.(bytes.length);
        const snapshot = { ...identity, done: [...done] };
        stateWrite = stateWrite.then(() => writePartialState(paths.state, snapshot));
        landed.set(index, bytes);
        advance();
      } catch (error) {
        pool.release(pooled);
        failure ??= { error };
        notify();
      }
    }
  }

  try {
    advance();
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, Math.max(1, chunks.length)) }, worker),
    );
    await stateWrite;
    if (failure) throw failure.error;
    advance();
    await hashing;
  } catch (err) {
    hash.discard();
    throw err;
  } finally {
    await file.close();
  }
  const actual = await hash.digest();
  if (cursor !== chunks.length || actual !== options.sha256) {
    await removePartial(target);
    if (stats.reusedBytes > 0) throw new ReusedPartialMismatch();
    throw new RegistryError(
      'integrity',
      `refusing ${options.label}: downloaded SHA-256 ${actual} differs from the manifest's ${options.sha256}`,
    );
  }
  await rename(paths.data, target);
  await removePartial(target);
  return stats;
}
