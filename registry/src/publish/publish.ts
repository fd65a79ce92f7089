// publish: upload every file of a model directory with SHA-256 checksums, then the manifest, then the
// version record by conditional write — so a version exists only when all its bytes do. A failed or
// interrupted attempt deletes what it uploaded under its own prefix and records nothing.
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { translateAwsError } from '../aws/aws-errors.ts';
import type { RegistryContext } from '../context.ts';
import { RegistryError } from '../errors.ts';
import { hexToBase64, sha256Hex } from '../hashing.ts';
import { buildManifest, serializeManifest } from '../manifest/manifest.ts';
import { type Manifest, modelNameSchema, parseWithPath, versionNameSchema } from '../manifest/schema.ts';
import { fileObjectKey, manifestObjectKey, versionObjectPrefix } from '../store/keys.ts';
import type { VersionRecord } from '../store/records.ts';
import { commitVersion, getVersion } from '../store/table.ts';
import { BufferPool } from '../transfer/buffer-pool.ts';
import { mapLimit } from '../transfer/limit.ts';
import { deletePrefix } from './cleanup.ts';
import { scanModelDirectory } from './plan.ts';
import { uploadFile } from './upload-file.ts';

/** What to publish. */
export interface PublishOptions {
  model: string;
  version: string;
  dir: string;
  createdBy: string;
  metadata?: Record<string, string>;
  /** Aborting stops the upload; nothing is recorded and uploaded objects are deleted. */
  signal?: AbortSignal;
  /** Called once with the total, then with each uploaded byte count. */
  onProgress?: (event: { totalBytes: number } | { bytes: number }) => void;
  /** Injected for tests; defaults to the wall clock. */
  now?: () => Date;
}

/** The published version. */
export interface PublishResult {
  record: VersionRecord;
  manifest: Manifest;
}

/** Publishes a model directory as an immutable version. */
export async function publishVersion(ctx: RegistryContext, options: PublishOptions): Promise<PublishResult> {
  const model = parseWithPath(modelNameSchema, options.model, 'invalid model name');
  const version = parseWithPath(versionNameSchema, options.version, 'invalid version name');
  const files = await scanModelDirectory(options.dir);
  if (await getVersion(ctx, model, version)) {
    throw new RegistryError(
      'exists',
      `model ${model} already has a version ${version}; versions are immutable, publish a new one`,
    );
  }
  const prefix = versionObjectPrefix(
    model,
    version,
    `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`,
  );
  const { s3 } = ctx.clients;
  const signal = options.signal;
  options.onProgress?.({ totalBytes: files.reduce((n, f) => n + f.size, 0) });
  try {
    const buffers = new BufferPool(ctx.config.concurrency, ctx.config.partSizeBytes);
    const digests = await mapLimit(files, ctx.config.concurrency, (file) =>
      uploadFile({
        s3,
        bucket: ctx.bucket,
        key: fileObjectKey(prefix, file.path),
        absolutePath: file.absolutePath,
        size: file.size,
        partSizeBytes: ctx.config.partSizeBytes,
        buffers,
        signal,
        onBytes: (bytes) => options.onProgress?.({ bytes }),
      }),
    );
    signal?.throwIfAborted();
    const manifest = buildManifest({
      model,
      version,
      createdBy: options.createdBy,
      createdAt: (options.now ?? (() => new Date()))(),
      metadata: options.metadata ?? {},
      files: files.map((f, i) => ({ path: f.path, size: f.size, sha256: digests[i]!.sha256 })),
    });
    const manifestText = serializeManifest(manifest);
    const manifestKey = manifestObjectKey(prefix);
    await s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: manifestKey,
        Body: manifestText,
        ContentType: 'application/json',
        ChecksumSHA256: hexToBase64(sha256Hex(manifestText)),
      }),
      signal ? { abortSignal: signal } : {},
    );
    signal?.throwIfAborted();
    const record: VersionRecord = {
      type: 'version',
      model,
      version,
      prefix,
      manifestKey,
      manifestDigest: manifest.digest,
      fileCount: manifest.files.length,
      totalBytes: manifest.totalBytes,
      createdBy: manifest.createdBy,
      createdAt: manifest.createdAt,
      metadata: manifest.metadata,
      deprecated: false,
    };
    await commitVersion(ctx, record);
    return { record, manifest };
  } catch (err) {
    await deletePrefix(s3, ctx.bucket, prefix).catch(() => {});
    if (signal?.aborted) {
      throw new RegistryError(
        'aborted',
        `publish of ${model}@${version} was interrupted; no version was recorded`,
        {
          cause: err,
        },
      );
    }
    throw translateAwsError(err, ctx);
  }
}
