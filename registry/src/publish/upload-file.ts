// Uploads one file with SHA-256 end to end: each PUT or part carries x-amz-checksum-sha256 (the server
// verifies it on receipt; it also stands in for the signed payload hash, see aws/clients.ts), and the
// whole-file digest for the manifest comes from the same single read. Parts are read in order into shared
// memory; a worker hashes each part (needed before its upload) while another feeds the whole-file digest
// (needed only at the end). Memory: the pool's buffers, reused part after part.
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
import type { BufferPool } from '../transfer/buffer-pool.ts';
import { sha256Part, sharedBuffer, type WorkerDigest, workerDigest } from '../transfer/hash-worker.ts';
import { type PartRange, planUpload } from './plan.ts';

/** What uploadFile needs to know. */
export interface UploadFileOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  absolutePath: string;
  size: number;
  partSizeBytes: number;
  /** Shared across files: every part is read into one of these buffers (bounds memory). */
  buffers: BufferPool;
  signal?: AbortSignal | undefined;
  onBytes?: ((n: number) => void) | undefined;
}

/** Reads a range into `into` (or a dedicated buffer when a huge file's parts outgrow the pool's size). */
async function readRange(
  file: FileHandle,
  range: { start: number; end: number },
  into: Buffer,
): Promise<Buffer> {
  const length = range.end - range.start;
  const buffer = length <= into.length ? into.subarray(0, length) : sharedBuffer(length);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, range.start + filled);
    if (bytesRead === 0) throw new Error(`file shrank while reading at byte ${range.start + filled}`);
    filled += bytesRead;
  }
  return buffer;
}

const sendOptions = (signal?: AbortSignal) => (signal ? { abortSignal: signal } : {});

/** Uploads the file and returns its SHA-256 (hex). On failure a multipart upload is aborted. */
export async function uploadFile(options: UploadFileOptions): Promise<{ sha256: string }> {
  const { s3, bucket, key, buffers, signal } = options;
  const plan = planUpload(options.size, options.partSizeBytes);
  const file = await open(options.absolutePath, 'r');
  try {
    if (plan.kind === 'single') {
      const pooled = await buffers.acquire();
      try {
        const body = await readRange(file, { start: 0, end: plan.size }, pooled);
        const hex = await sha256Part(body); // one part: its digest is the file's
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: body.length,
            ChecksumSHA256: hexToBase64(hex),
          }),
          sendOptions(signal),
        );
        options.onBytes?.(body.length);
        return { sha256: hex };
      } finally {
        buffers.release(pooled);
      }
    }
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }),
      sendOptions(signal),
    );
    const uploadId = created.UploadId!;
    const fileDigest = workerDigest();
    try {
      const done = await uploadParts(options, file, plan.parts, uploadId, fileDigest);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: done },
        }),
        sendOptions(signal),
      );
      return { sha256: await fileDigest.digest() };
    } catch (err) {
      fileDigest.discard();
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => {});
      throw err;
    }
  } finally {
    await file.close();
  }
}

interface CompletedPart {
  PartNumber: number;
  ETag: string;
  ChecksumSHA256: string;
}

/** Reads parts in order (the whole-file digest sees bytes in order) and hashes and uploads them concurrently. */
async function uploadParts(
  options: UploadFileOptions,
  file: FileHandle,
  parts: PartRange[],
  uploadId: string,
  fileDigest: WorkerDigest,
): Promise<CompletedPart[]> {
  const { s3, bucket, key, buffers, signal } = options;
  const done: CompletedPart[] = [];
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  for (const part of parts) {
    const pooled = await buffers.acquire();
    if (failure || signal?.aborted) {
      buffers.release(pooled);
      break;
    }
    let body: Buffer;
    try {
      body = await readRange(file, part, pooled);
    } catch (error) {
      buffers.release(pooled);
      failure ??= { error };
      break;
    }
    const digested = fileDigest.update(body);
    const uploaded = sha256Part(body).then(async (hex) => {
      const checksum = hexToBase64(hex);
      const out = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: part.partNumber,
          Body: body,
          ContentLength: body.length,
          ChecksumSHA256: checksum,
        }),
        sendOptions(signal),
      );
      done.push({ PartNumber: part.partNumber, ETag: out.ETag!, ChecksumSHA256: checksum });
      options.onBytes?.(body.length);
    });
    // The buffer goes back to the pool once both the upload and the whole-file digest are done with it.
    inFlight.push(
      Promise.all([uploaded, digested])
        .then(() => undefined)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => buffers.release(pooled)),
    );
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  signal?.throwIfAborted();
  return done.sort((a, b) => a.PartNumber - b.PartNumber);
}
