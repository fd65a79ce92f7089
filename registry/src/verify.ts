// verify: re-read every object of a version from S3, stream it through SHA-256 and compare with the
// manifest. Returns a report; the CLI turns a failed report into a non-zero exit listing the files.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { isNoSuchKey, withAwsErrors } from './aws/aws-errors.ts';
import type { RegistryContext } from './context.ts';
import { sha256Stream } from './hashing.ts';
import { loadVersion } from './read-version.ts';
import { fileObjectKey } from './store/keys.ts';
import { mapLimit } from './transfer/limit.ts';

/** The outcome for one file. */
export interface VerifiedFile {
  path: string;
  status: 'ok' | 'mismatch' | 'missing';
  expectedSha256: string;
  actualSha256?: string;
  expectedSize: number;
  actualSize?: number;
}

/** The outcome for a version. */
export interface VerifyReport {
  model: string;
  version: string;
  ok: boolean;
  files: VerifiedFile[];
}

/** Re-reads and re-hashes every file of `model@ref` (a version or a channel). */
export async function verifyVersion(
  ctx: RegistryContext,
  model: string,
  ref: string,
  onProgress?: (event: { totalBytes: number } | { bytes: number }) => void,
): Promise<VerifyReport> {
  const { record, manifest } = await loadVersion(ctx, model, ref);
  onProgress?.({ totalBytes: manifest.totalBytes });
  const files = await mapLimit(manifest.files, Math.min(ctx.config.concurrency, 4), async (file) => {
    const base = { path: file.path, expectedSha256: file.sha256, expectedSize: file.size };
    try {
      const out = await withAwsErrors(ctx, () =>
        ctx.clients.s3.send(
          new GetObjectCommand({ Bucket: ctx.bucket, Key: fileObjectKey(record.prefix, file.path) }),
        ),
      );
      const body = out.Body as AsyncIterable<Uint8Array>;
      const { sha256, size } = await sha256Stream(body, (bytes) => onProgress?.({ bytes }));
      const ok = sha256 === file.sha256 && size === file.size;
      return {
        ...base,
        status: ok ? 'ok' : 'mismatch',
        actualSha256: sha256,
        actualSize: size,
      } as VerifiedFile;
    } catch (err) {
      if (isNoSuchKey(err)) return { ...base, status: 'missing' } as VerifiedFile;
      throw err;
    }
  });
  return { model, version: record.version, ok: files.every((f) => f.status === 'ok'), files };
}
