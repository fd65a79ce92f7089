// Versions against real servers (versitygw + DynamoDB Local): publish with per-object SHA-256 checksums,
// immutability, verify, fetch with resume, and the faults: flipped bytes, interrupted uploads, a
// malformed manifest, missing bucket or table.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryContext } from '../context.ts';
import { fetchVersion } from '../fetch/fetch-version.ts';
import { hexToBase64, sha256File } from '../hashing.ts';
import { initRegistry } from '../init.ts';
import { publishVersion } from '../publish/publish.ts';
import { loadVersion } from '../read-version.ts';
import { fileObjectKey } from '../store/keys.ts';
import { getVersion } from '../store/table.ts';
import { errorKindOf } from '../testing/error-kind.ts';
import { writeModelDir } from '../testing/model-dir.ts';
import { contextFor, type RegistryServers, startRegistryServers } from '../testing/registry-servers.ts';
import { verifyVersion } from '../verify.ts';

const MiB = 1024 * 1024;
const files = [
  { path: 'config.json', size: 700 },
  { path: 'model.safetensors', size: 12 * MiB + 123 }, // 3 parts of 5 MiB
  { path: 'tokenizer/tokenizer.json', size: 2 * MiB },
  { path: 'empty.txt', size: 0 },
];

let servers: RegistryServers;
let ctx: RegistryContext;
let modelDir: string;
let scratch: string;

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

beforeAll(async () => {
  servers = await startRegistryServers();
  ctx = contextFor(servers, {
    bucket: 'models',
    table: 'registry',
    partSizeBytes: 5 * MiB,
    concurrency: 3,
    fetchChunkSizeBytes: 4 * MiB,
    fetchConcurrency: 3,
  });
  await initRegistry(ctx);
  scratch = await mkdtemp(join(tmpdir(), 'registry-e2e-'));
  modelDir = join(scratch, 'model');
  await writeModelDir(modelDir, files);
  await publishVersion(ctx, {
    model: 'llama',
    version: 'v1',
    dir: modelDir,
    createdBy: 'ana',
    metadata: { quantization: 'awq' },
  });
});

afterAll(async () => {
  ctx?.clients.destroy();
  await servers?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('publish', () => {
  it('records the version with a manifest whose digests match the local files', async () => {
    const { record, manifest } = await loadVersion(ctx, 'llama', 'v1');
    expect(record).toMatchObject({
      fileCount: 4,
      totalBytes: manifest.totalBytes,
      metadata: { quantization: 'awq' },
    });
    for (const f of manifest.files) expect(f.sha256).toBe(await sha256File(join(modelDir, f.path)));
  });

  it('stores a SHA-256 checksum on every object, per part for multipart ones', async () => {
    const { record, manifest } = await loadVersion(ctx, 'llama', 'v1');
    const head = (path: string) =>
      ctx.clients.s3.send(
        new HeadObjectCommand({
          Bucket: ctx.bucket,
          Key: fileObjectKey(record.prefix, path),
          ChecksumMode: 'ENABLED',
        }),
      );
    const config = manifest.files.find((f) => f.path === 'config.json')!;
    expect((await head('config.json')).ChecksumSHA256).toBe(hexToBase64(config.sha256));
    expect((await head('model.safetensors')).ChecksumSHA256).toMatch(/-3$/);
  });

  it('the server rejects bytes that do not match the declared checksum', async () => {
    const wrong = hexToBase64('0'.repeat(64));
    await expect(
      ctx.clients.s3.send(
        new PutObjectCommand({ Bucket: ctx.bucket, Key: 'scratch/x', Body: 'hello', ChecksumSHA256: wrong }),
      ),
    ).rejects.toThrow();
  });

  it('refuses to publish an existing version and leaves nothing behind', async () => {
    const before = await keysUnder('models/llama/v1/');
    expect(
      await errorKindOf(
        publishVersion(ctx, { model: 'llama', version: 'v1', dir: modelDir, createdBy: 'bob' }),
      ),
    ).toBe('exists: model llama already has a version v1; versions are immutable, publish a new one');
    expect(await keysUnder('models/llama/v1/')).toEqual(before);
  });

  it('records no version and keeps no objects when the upload is interrupted', async () => {
    const controller = new AbortController();
    const result = errorKindOf(
      publishVersion(ctx, {
        model: 'llama',
        version: 'v-interrupted',
        dir: modelDir,
        createdBy: 'ana',
        signal: controller.signal,
        onProgress: (e) => {
          if ('bytes' in e) controller.abort(new Error('test interrupt'));
        },
      }),
    );
    expect(await result).toMatch(
      /^aborted: publish of llama@v-interrupted was interrupted; no version was recorded/,
    );
    expect(await getVersion(ctx, 'llama', 'v-interrupted')).toBeUndefined();
    expect(await keysUnder('models/llama/v-interrupted/')).toEqual([]);
  });
});

describe('verify and fetch', () => {
  it('verify passes on intact bytes', async () => {
    const report = await verifyVersion(ctx, 'llama', 'v1');
    expect(report.ok).toBe(true);
    expect(report.files.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('fetch materializes identical files, and a second fetch reuses them', async () => {
    const target = join(scratch, 'fetched');
    const first = await fetchVersion(ctx, { model: 'llama', ref: 'v1', dir: target });
    expect(first.files.reduce((n, f) => n + f.downloadedBytes, 0)).toBe(
      first.files.reduce((n, f) => n + f.size, 0),
    );
    for (const f of files)
      expect(await sha256File(join(target, f.path))).toBe(await sha256File(join(modelDir, f.path)));
    const second = await fetchVersion(ctx, { model: 'llama', ref: 'v1', dir: target });
    expect(second.files.every((f) => f.downloadedBytes === 0)).toBe(true);
  });

  it('fetch resumes a partial download instead of starting over', async () => {
    const target = join(scratch, 'resumed');
    const controller = new AbortController();
    let seen = 0;
    // One chunk at a time, so the abort after the first 4 MiB chunk always leaves chunks to fetch.
    const serial = contextFor(servers, {
      bucket: 'models',
      table: 'registry',
      fetchChunkSizeBytes: 4 * MiB,
      fetchConcurrency: 1,
    });
    const interrupted = errorKindOf(
      fetchVersion(serial, {
        model: 'llama',
        ref: 'v1',
        dir: target,
        signal: controller.signal,
        onProgress: (e) => {
          if ('bytes' in e) seen += e.bytes;
          if (seen >= 4 * MiB) controller.abort(new Error('test interrupt'));
        },
      }),
    );
    expect(await interrupted).toMatch(/^aborted: fetch of llama@v1 was interrupted/);
    serial.clients.destroy();
    const resumed = await fetchVersion(ctx, { model: 'llama', ref: 'v1', dir: target });
    expect(resumed.files.reduce((n, f) => n + f.reusedBytes, 0)).toBeGreaterThan(0);
    for (const f of files)
      expect(await sha256File(join(target, f.path))).toBe(await sha256File(join(modelDir, f.path)));
  });
});

describe('faults', () => {
  it('a byte flipped in the S3 backend is caught by verify and refused by fetch', async () => {
    await publishVersion(ctx, { model: 'flip', version: 'v1', dir: modelDir, createdBy: 'ana' });
    const { record } = await loadVersion(ctx, 'flip', 'v1');
    const onDisk = join(servers.s3.dataDir!, ctx.bucket, fileObjectKey(record.prefix, 'model.safetensors'));
    const bytes = await readFile(onDisk);
    bytes[7 * MiB] = (bytes[7 * MiB] ?? 0) ^ 0xff;
    await writeFile(onDisk, bytes);

    const report = await verifyVersion(ctx, 'flip', 'v1');
    expect(report.ok).toBe(false);
    expect(report.files.filter((f) => f.status !== 'ok').map((f) => f.path)).toEqual(['model.safetensors']);

    const target = join(scratch, 'flipped');
    expect(await errorKindOf(fetchVersion(ctx, { model: 'flip', ref: 'v1', dir: target }))).toMatch(
      /^integrity: refusing flip@v1:model.safetensors: downloaded SHA-256 [0-9a-f]{64} differs from the manifest's/,
    );
    await expect(stat(join(target, 'model.safetensors'))).rejects.toThrow();
    await expect(stat(join(target, 'model.safetensors.llmctl-partial'))).rejects.toThrow();
  });

  it('an object overwritten behind the registry is caught by verify', async () => {
    await publishVersion(ctx, { model: 'overwrite', version: 'v1', dir: modelDir, createdBy: 'ana' });
    const { record } = await loadVersion(ctx, 'overwrite', 'v1');
    await ctx.clients.s3.send(
      new PutObjectCommand({
        Bucket: ctx.bucket,
        Key: fileObjectKey(record.prefix, 'config.json'),
        Body: 'tampered',
      }),
    );
    const report = await verifyVersion(ctx, 'overwrite', 'v1');
    expect(report.files.find((f) => f.path === 'config.json')).toMatchObject({
      status: 'mismatch',
      actualSize: 8,
    });
  });

  it('a malformed manifest is rejected with the field path', async () => {
    await publishVersion(ctx, { model: 'badmanifest', version: 'v1', dir: modelDir, createdBy: 'ana' });
    const { record, manifest } = await loadVersion(ctx, 'badmanifest', 'v1');
    const broken = {
      ...manifest,
      files: manifest.files.map((f, i) => (i === 2 ? { ...f, sha256: 'xyz' } : f)),
    };
    await ctx.clients.s3.send(
      new PutObjectCommand({ Bucket: ctx.bucket, Key: record.manifestKey, Body: JSON.stringify(broken) }),
    );
    expect(await errorKindOf(loadVersion(ctx, 'badmanifest', 'v1'))).toBe(
      'invalid: invalid manifest: files[2].sha256: must be 64 lower-case hex characters',
    );
  });

  it('a missing bucket or table is named in the error', async () => {
    const noBucket = contextFor(servers, { bucket: 'no-such-bucket', table: 'registry' });
    const noTable = contextFor(servers, { bucket: 'models', table: 'no-such-table' });
    try {
      expect(
        await errorKindOf(
          publishVersion(noBucket, { model: 'm', version: 'v1', dir: modelDir, createdBy: 'a' }),
        ),
      ).toBe(
        'missing-resource: S3 bucket "no-such-bucket" does not exist (create it with: llmctl registry init)',
      );
      expect(await errorKindOf(verifyVersion(noTable, 'llama', 'v1'))).toBe(
        'missing-resource: DynamoDB table "no-such-table" does not exist (create it with: llmctl registry init)',
      );
    } finally {
      noBucket.clients.destroy();
      noTable.clients.destroy();
    }
  });
});
