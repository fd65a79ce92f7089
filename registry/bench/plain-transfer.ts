// The benchmark's baseline: the same bytes moved with the plain SDK and no hashing at all — multipart
// upload with the same part size and concurrency but no checksums and an unsigned payload, and a plain
// streamed GetObject per file piped into a file write stream that batches writes as fetch does (1 MiB).
import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { BuildMiddleware, MetadataBearer } from '@smithy/types';
import type { LocalFile } from '../src/publish/plan.ts';
import { planUpload } from '../src/publish/plan.ts';
import { mapLimit, Semaphore } from '../src/transfer/limit.ts';

/** Makes the signer skip hashing bodies (UNSIGNED-PAYLOAD), so the baseline does no SHA-256 at all. */
export const unsignedPayload: BuildMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const headers = (args.request as { headers?: Record<string, string> }).headers;
  if (headers) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return next(args);
};

/** Uploads the files under `prefix` with no checksums. */
export async function plainUpload(
  s3: S3Client,
  bucket: string,
  prefix: string,
  files: readonly LocalFile[],
  options: { partSizeBytes: number; concurrency: number },
): Promise<void> {
  const permits = new Semaphore(options.concurrency);
  await mapLimit(files, options.concurrency, async (file) => {
    const key = `${prefix}${file.path}`;
    const plan = planUpload(file.size, options.partSizeBytes);
    const handle = await open(file.absolutePath, 'r');
    try {
      if (plan.kind === 'single') {
        const body = Buffer.alloc(file.size);
        await handle.read(body, 0, file.size, 0);
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: file.size }),
        );
        return;
      }
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      const parts: { PartNumber: number; ETag: string }[] = [];
      const inFlight: Promise<void>[] = [];
      for (const part of plan.parts) {
        await permits.acquire();
        const body = Buffer.allocUnsafe(part.end - part.start);
        await handle.read(body, 0, body.length, part.start);
        inFlight.push(
          s3
            .send(
              new UploadPartCommand({
                Bucket: bucket,
                Key: key,
                UploadId,
                PartNumber: part.partNumber,
                Body: body,
              }),
            )
            .then((out) => void parts.push({ PartNumber: part.partNumber, ETag: out.ETag! }))
            .finally(() => permits.release()),
        );
      }
      await Promise.all(inFlight);
      parts.sort((a, b) => a.PartNumber - b.PartNumber);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } finally {
      await handle.close();
    }
  });
}

/**
 * The write stream buffers up to this much while a write is in flight, like fetch's receiver: measured a
 * little faster than the default 16 KiB, so the baseline is the stricter one.
 */
const writeBatchBytes = 1024 * 1024;

/** Downloads each file with one streamed GetObject, no verification, two files at a time (as fetch does). */
export async function plainDownload(
  s3: S3Client,
  bucket: string,
  prefix: string,
  files: readonly LocalFile[],
  dir: string,
): Promise<void> {
  await mapLimit(files, 2, async (file) => {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${file.path}` }));
    await pipeline(
      out.Body as NodeJS.ReadableStream,
      createWriteStream(target, { highWaterMark: writeBatchBytes }),
    );
  });
}
