// fetch: materialize `model@<version|channel>` in a directory for a pod's init container. Every file is
// downloaded by downloadFile (ranged, parallel, resumable, verified before rename); a file already in
// place with the right digest is kept.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { translateAwsError } from '../aws/aws-errors.ts';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { loadVersion } from '../read-version.ts';
import { fileObjectKey } from '../store/keys.ts';
import { sha256FileInWorker } from '../transfer/hash-worker.ts';
import { mapLimit } from '../transfer/limit.ts';
import { downloadFile } from './download-file.ts';

/** What to fetch and where. */
export interface FetchOptions {
  model: string;
  /** A version name or a channel name. */
  ref: string;
  dir: string;
  /** Aborting keeps partial files so the next fetch resumes. */
  signal?: AbortSignal;
  onProgress?: (event: { totalBytes: number } | { bytes: number }) => void;
}

/** What a fetch did, per file. */
export interface FetchResult {
  model: string;
  version: string;
  channel?: string;
  files: { path: string; size: number; sha256: string; reusedBytes: number; downloadedBytes: number }[];
}

/** Files fetched at once; each also runs `concurrency` ranged GETs. */
const filesInParallel = 2;

async function alreadyInPlace(path: string, size: number, sha256: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true && info.size === size && (await sha256FileInWorker(path, size)) === sha256;
}

/** Downloads and verifies every file of a version into `dir`. */
export async function fetchVersion(ctx: RegistryContext, options: FetchOptions): Promise<FetchResult> {
  const { record, manifest, channel } = await loadVersion(ctx, options.model, options.ref);
  options.onProgress?.({ totalBytes: manifest.totalBytes });
  await mkdir(options.dir, { recursive: true });
  try {
    const files = await mapLimit(manifest.files, filesInParallel, async (file) => {
      const target = join(options.dir, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      const entry = { path: file.path, size: file.size, sha256: file.sha256 };
      if (await alreadyInPlace(target, file.size, file.sha256)) {
        options.onProgress?.({ bytes: file.size });
        return { ...entry, reusedBytes: file.size, downloadedBytes: 0 };
      }
      const stats = await downloadFile({
        s3: ctx.clients.s3,
        bucket: ctx.bucket,
        key: fileObjectKey(record.prefix, file.path),
        target,
        label: `${record.model}@${record.version}:${file.path}`,
        size: file.size,
        sha256: file.sha256,
        chunkSizeBytes: ctx.config.fetchChunkSizeBytes,
        concurrency: ctx.config.fetchConcurrency,
        signal: options.signal,
        onBytes: (bytes) => options.onProgress?.({ bytes }),
      });
      return { ...entry, ...stats };
    });
    options.signal?.throwIfAborted();
    return { model: record.model, version: record.version, ...(channel ? { channel } : {}), files };
  } catch (err) {
    if (options.signal?.aborted && !(err instanceof RegistryError && err.kind === 'integrity')) {
      throw new RegistryError(
        'aborted',
        `fetch of ${record.model}@${record.version} was interrupted; run it again to resume`,
        { cause: err },
      );
    }
    throw translateAwsError(err, ctx);
  }
}
