// Downloads one object into `<target>.llmctl-partial`, resuming from the sidecar's finished chunks, and
// renames it to the target only once its SHA-256 matches the manifest; on mismatch it deletes the partial.
// With one request per file (the default) a single GET streams every missing chunk in order; with more,
// ranged GETs of one chunk each run in parallel, at most a small window ahead of the first unfinished
// chunk. Bytes go from the socket straight to their place in the file; the digest worker follows them onto
// disk in order (reading each stretch back from the page cache right after it is written), so hashing
// overlaps the transfer, memory stays flat and no buffer of ours holds a chunk. What is hashed is what the
// rename will publish: the bytes on disk.
import { open, rename } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RegistryError } from '../errors.ts';
import { splitRanges } from '../publish/plan.ts';
import { followFile } from '../transfer/hash-worker.ts';
import { partialPaths, readPartialState, removePartial, writePartialState } from './partial-state.ts';
import { receiveRange } from './range-io.ts';

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

/** A plain GET when the range is the whole object (servers serve that cheaper), else a ranged one. */
function rangeHeader(start: number, end: number, size: number) {
  return start === 0 && end === size ? {} : { Range: `bytes=${start}-${end - 1}` };
}

async function downloadOnce(options: DownloadFileOptions): Promise<DownloadStats> {
  const { s3, target, signal } = options;
  const paths = partialPaths(target);
  const identity = { sha256: options.sha256, size: options.size, chunkSizeBytes: options.chunkSizeBytes };
  const previous = await readPartialState(paths.state, identity);
  const done = new Set(previous?.done ?? []);
  const file = await open(paths.data, previous ? 'r+' : 'w+').catch(() => open(paths.data, 'w+'));
  const chunks = splitRanges(options.size, options.chunkSizeBytes);
  const length = (index: number) => chunks[index]!.end - chunks[index]!.start;
  // Bytes of each chunk known to be on disk: all of a reused chunk, the completed writes of one arriving.
  const onDisk = chunks.map((_, index) => (done.has(index) ? length(index) : 0));
  const stats: DownloadStats = { reusedBytes: onDisk.reduce((n, b) => n + b, 0), downloadedBytes: 0 };
  if (stats.reusedBytes > 0) options.onBytes?.(stats.reusedBytes);
  const digest = followFile(paths.data);
  // Chunks are started at most `window` ahead of the first one not yet wholly on disk, so the digest never
  // trails the downloads by more than that.
  const window = options.concurrency + 1;
  let cursor = 0;
  let next = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void)[] = [];
  let stateWrite = Promise.resolve();

  /** Moves the cursor past chunks wholly on disk and tells the digest how far the file is contiguous. */
  const advance = () => {
    const before = cursor;
    while (cursor < chunks.length && onDisk[cursor] === length(cursor)) cursor++;
    digest.advance(cursor < chunks.length ? chunks[cursor]!.start + onDisk[cursor]! : options.size);
    if (cursor !== before) {
      const waiters = wake;
      wake = [];
      for (const w of waiters) w();
    }
  };

  /** Records a chunk as wholly on disk: into the sidecar (for resume) and past the digest's cursor. */
  const finished = (index: number) => {
    done.add(index);
    const snapshot = { ...identity, done: [...done] };
    stateWrite = stateWrite.then(() => writePartialState(paths.state, snapshot));
    advance();
  };

  async function worker() {
    while (!failure) {
      while (next < chunks.length && done.has(next)) next++;
      if (next >= chunks.length) return;
      const first = next++;
      // Alone, one request streams the whole run of missing chunks; in parallel, each takes one chunk.
      let last = first;
      if (options.concurrency === 1) while (last + 1 < chunks.length && !done.has(last + 1)) last++;
      next = last + 1;
      while (first >= cursor + window && !failure) await new Promise<void>((r) => wake.push(r));
      if (failure) return;
      const start = chunks[first]!.start;
      const end = chunks[last]!.end;
      try {
        signal?.throwIfAborted();
        const out = await s3.send(
          new GetObjectCommand({
            Bucket: options.bucket,
            Key: options.key,
            ...rangeHeader(start, end, options.size),
          }),
          signal ? { abortSignal: signal } : {},
        );
        const body = out.Body as Readable;
        if (out.ContentLength !== end - start) {
          body.destroy();
          throw new RegistryError(
            'integrity',
            `refusing ${options.label}: bytes ${start}-${end - 1} came back as ${out.ContentLength} bytes; the object is not the size the manifest records`,
          );
        }
        let index = first;
        await receiveRange(body, file, start, end - start, (bytes) => {
          // Writes complete in order, so the bytes fill the run's chunks front to back.
          for (let rest = bytes; rest > 0; ) {
            const taken = Math.min(rest, length(index) - onDisk[index]!);
            onDisk[index]! += taken;
            rest -= taken;
            if (onDisk[index] === length(index)) finished(index++);
          }
          if (index === cursor) advance();
          stats.downloadedBytes += bytes;
          options.onBytes?.(bytes);
        });
      } catch (error) {
        failure ??= { error };
        const waiters = wake;
        wake = [];
        for (const w of waiters) w();
      }
    }
  }

  let result: { sha256: string; hashedBytes: number };
  try {
    advance(); // reused chunks at the start are hashed while the first GETs are under way
    await Promise.all(
      Array.from({ length: Math.min(options.concurrency, Math.max(1, chunks.length)) }, worker),
    );
    await stateWrite;
    if (failure) throw failure.error;
    result = await digest.finish(options.size);
  } catch (err) {
    digest.discard();
    throw err;
  } finally {
    await file.close();
  }
  if (result.hashedBytes !== options.size || result.sha256 !== options.sha256) {
    await removePartial(target);
    if (stats.reusedBytes > 0) throw new ReusedPartialMismatch();
    throw new RegistryError(
      'integrity',
      `refusing ${options.label}: downloaded SHA-256 ${result.sha256} differs from the manifest's ${options.sha256}`,
    );
  }
  await rename(paths.data, target);
  await removePartial(target);
  return stats;
}
