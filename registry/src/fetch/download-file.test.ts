// downloadFile against an in-memory S3 stand-in: which GETs it sends (one stream, or ranged chunks in
// parallel), resume from the sidecar, and the digest check before the rename.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.ts';
import { type DownloadFileOptions, downloadFile } from './download-file.ts';
import { partialPaths, writePartialState } from './partial-state.ts';

const KiB = 1024;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Serves `object` for GetObject (whole or `Range: bytes=a-b`) in 16 KiB pieces, recording each Range. */
function fakeS3(object: Buffer) {
  const ranges: (string | undefined)[] = [];
  const s3 = {
    async send(command: GetObjectCommand) {
      const range = command.input.Range;
      ranges.push(range);
      const [start, end] = range
        ? range.replace('bytes=', '').split('-').map(Number)
        : [0, object.length - 1];
      const bytes = object.subarray(start, (end ?? 0) + 1);
      const pieces = [];
      for (let at = 0; at < bytes.length; at += 16 * KiB) pieces.push(bytes.subarray(at, at + 16 * KiB));
      return { Body: Readable.from(pieces), ContentLength: bytes.length };
    },
  };
  return { s3: s3 as unknown as S3Client, ranges };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'download-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function optionsFor(object: Buffer, s3: S3Client, overrides: Partial<DownloadFileOptions> = {}) {
  return {
    s3,
    bucket: 'b',
    key: 'k',
    target: join(dir, 'model.bin'),
    label: 'm@v:model.bin',
    size: object.length,
    sha256: sha(object),
    chunkSizeBytes: 100 * KiB,
    concurrency: 1,
    ...overrides,
  };
}

describe('downloadFile', () => {
  it('streams the whole object in one plain GET when one request per file is asked for', async () => {
    const object = randomBytes(350 * KiB);
    const { s3, ranges } = fakeS3(object);
    const stats = await downloadFile(optionsFor(object, s3));
    expect(ranges).toEqual([undefined]);
    expect(stats).toEqual({ reusedBytes: 0, downloadedBytes: object.length });
    expect(await readFile(join(dir, 'model.bin'))).toEqual(object);
    await expect(stat(partialPaths(join(dir, 'model.bin')).state)).rejects.toThrow();
  });

  it('fetches one ranged GET per chunk when several run in parallel', async () => {
    const object = randomBytes(350 * KiB);
    const { s3, ranges } = fakeS3(object);
    await downloadFile(optionsFor(object, s3, { concurrency: 2 }));
    expect(ranges.sort()).toEqual(
      ['bytes=0-102399', 'bytes=102400-204799', 'bytes=204800-307199', 'bytes=307200-358399'].sort(),
    );
    expect(await readFile(join(dir, 'model.bin'))).toEqual(object);
  });

  it('resumes after the chunks the sidecar records, streaming only what is missing', async () => {
    const object = randomBytes(350 * KiB);
    const options = optionsFor(object, fakeS3(object).s3);
    const paths = partialPaths(options.target);
    await writeFile(paths.data, object.subarray(0, 200 * KiB));
    await writePartialState(paths.state, {
      sha256: options.sha256,
      size: options.size,
      chunkSizeBytes: options.chunkSizeBytes,
      done: [0, 1],
    });
    const { s3, ranges } = fakeS3(object);
    const stats = await downloadFile({ ...options, s3 });
    expect(ranges).toEqual(['bytes=204800-358399']);
    expect(stats).toEqual({ reusedBytes: 200 * KiB, downloadedBytes: 150 * KiB });
    expect(await readFile(options.target)).toEqual(object);
  });

  it('starts over once when the reused bytes turn out bad', async () => {
    const object = randomBytes(250 * KiB);
    const options = optionsFor(object, fakeS3(object).s3);
    const paths = partialPaths(options.target);
    await writeFile(paths.data, randomBytes(100 * KiB));
    await writePartialState(paths.state, {
      sha256: options.sha256,
      size: options.size,
      chunkSizeBytes: options.chunkSizeBytes,
      done: [0],
    });
    const { s3, ranges } = fakeS3(object);
    const stats = await downloadFile({ ...options, s3 });
    expect(ranges).toEqual(['bytes=102400-255999', undefined]);
    expect(stats).toEqual({ reusedBytes: 0, downloadedBytes: object.length });
    expect(await readFile(options.target)).toEqual(object);
  });

  it('refuses bytes whose digest differs from the manifest and deletes the partial', async () => {
    const object = randomBytes(150 * KiB);
    const { s3 } = fakeS3(object);
    const options = optionsFor(object, s3, { sha256: sha(Buffer.from('something else')) });
    const error = await downloadFile(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).message).toMatch(
      /^refusing m@v:model.bin: downloaded SHA-256 [0-9a-f]{64} differs from the manifest's/,
    );
    await expect(stat(options.target)).rejects.toThrow();
    await expect(stat(partialPaths(options.target).data)).rejects.toThrow();
  });

  it('refuses an object that is not the size the manifest records', async () => {
    const object = randomBytes(150 * KiB);
    const { s3 } = fakeS3(object);
    await expect(downloadFile(optionsFor(object, s3, { size: 160 * KiB }))).rejects.toThrow(
      /came back as 153600 bytes; the object is not the size the manifest records/,
    );
  });

  it('writes an empty file for an empty object', async () => {
    const object = Buffer.alloc(0);
    const { s3, ranges } = fakeS3(object);
    await downloadFile(optionsFor(object, s3));
    expect(ranges).toEqual([]);
    expect((await stat(join(dir, 'model.bin'))).size).toBe(0);
  });
});
