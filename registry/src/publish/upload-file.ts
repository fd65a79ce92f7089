// Uploads one file with SHA-256 end to end: each PUT or part carries x-amz-checksum-sha256 (the server
// verifies it on receipt; it also stands in for the signed payload hash, see aws/clients.ts); the
// whole-file digest for the manifest comes from the same single read. Memory: `permits` parts in flight.
import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { hexToBase64 } from '../hashing.ts';
import type { Semaphore } from '../transfer/limit.ts';
import { type PartRange, planUpload } from './plan.ts';

/** What uploadFile needs to know. */
export interface UploadFileOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  absolutePath: string;
  size: number;
  partSizeBytes: number;
  /** Shared across files: one permit per part held in memory. */
  permits: Semaphore;
  signal?: AbortSignal | undefined;
  onBytes?: ((n: number) => void) | undefined;
}

async function readRange(file: FileHandle, range: { start: number; end: number }): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(range.end - range.start);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, range.start + filled);
    if (bytesRead === 0) throw new Error(`file shrank while reading at byte ${range.start + filled}`);
    filled += bytesRead;
  }
  return buffer;
}

/** Uploads the file and returns its SHA-256 (hex). On failure a multipart upload is aborted. */
export async function uploadFile(options: UploadFileOptions): Promise<{ sha256: string }> {
  const { s3, bucket, key, permits, signal } = options;
  const plan = planUpload(options.size, options.partSizeBytes);
  const fileHash = createHash('sha256');
  const file = await open(options.absolutePath, 'r');
  try {
    if (plan.kind === 'single') {
      await permits.acquire();
      try {
        const body = await readRange(file, { start: 0, end: plan.size });
        fileHash.update(body);
        const hex = createHash('sha256').update(body).digest('hex');
        const put = new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ChecksumSHA256: hexToBase64(hex),
        });
        await s3.send(put, signal ? { abortSignal: signal } : {});
        options.onBytes?.(body.length);
      } finally {
        permits.release();
      }
      return { sha256: fileHash.digest('hex') };
    }
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }),
      signal ? { abortSignal: signal } : {},
    );
    const uploadId = created.UploadId!;
    try {
      const done = await uploadParts(options, file, plan.parts, uploadId, fileHash);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: done },
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (err) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
      throw err;
    }
    return { sha256: fileHash.digest('hex') };
  } finally {
    await file.close();
  }
}

interface CompletedPart {
  PartNumber: number;
  ETag: string;
  ChecksumSHA256: string;
}

/** Reads parts in order (so the whole-file hash sees bytes in order) and uploads them concurrently. */
async function uploadParts(
  options: UploadFileOptions,
  file: FileHandle,
  parts: PartRange[],
  uploadId: string,
  fileHash: ReturnType<typeof createHash>,
): Promise<CompletedPart[]> {
  const { s3, bucket, key, permits, signal } = options;
  const done: CompletedPart[] = [];
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  for (const part of parts) {
    await permits.acquire();
    if (failure || signal?.aborted) {
      permits.release();
      break;
    }
    const body = await readRange(file, part);
    fileHash.update(body);
    const hex = createHash('sha256').update(body).digest('hex');
    const checksum = hexToBase64(hex);
    const command = new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: part.partNumber,
      Body: body,
      ContentLength: body.length,
      ChecksumSHA256: checksum,
    });
    const sent = s3
      .send(command, signal ? { abortSignal: signal } : {})
      .then((out) => {
        done.push({ PartNumber: part.partNumber, ETag: out.ETag!, ChecksumSHA256: checksum });
        options.onBytes?.(body.length);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => permits.release());
    inFlight.push(sent);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  signal?.throwIfAborted();
  return done.sort((a, b) => a.PartNumber - b.PartNumber);
}
