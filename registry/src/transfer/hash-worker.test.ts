// The hashing workers give the same digests as hashing in place: in call order from shared memory, and in
// file order when following a file on disk.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile, sha256FileInWorker, sha256Part, sharedBuffer, workerDigest } from './hash-worker.ts';

function shared(bytes: Buffer): Buffer {
  const copy = sharedBuffer(bytes.length);
  bytes.copy(copy);
  return copy;
}
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('hashing workers', () => {
  it('match an in-thread SHA-256 of the whole and of each part', async () => {
    const parts = [randomBytes(100_000), randomBytes(5), randomBytes(70_000)];
    const digest = workerDigest();
    const [partHexes] = await Promise.all([
      Promise.all(parts.map((p) => sha256Part(shared(p)))),
      Promise.all(parts.map((p) => digest.update(shared(p)))),
    ]);
    expect(await digest.digest()).toBe(sha(Buffer.concat(parts)));
    expect(partHexes).toEqual(parts.map(sha));
  });

  it('keep concurrent digests apart', async () => {
    const a = workerDigest();
    const b = workerDigest();
    await Promise.all([a.update(shared(Buffer.from('hello'))), b.update(shared(Buffer.from('world')))]);
    expect(await a.digest()).toBe(sha('hello'));
    expect(await b.digest()).toBe(sha('world'));
  });

  it('hash a slice of shared memory, not the whole buffer', async () => {
    const whole = shared(Buffer.from('xxhelloxx'));
    expect(await sha256Part(whole.subarray(2, 7))).toBe(sha('hello'));
  });

  it('refuse memory the worker cannot see instead of copying silently', async () => {
    await expect(sha256Part(Buffer.from('tiny'))).rejects.toThrow('shared memory');
  });
});

describe('following a file on disk', () => {
  async function scratchFile(): Promise<string> {
    return join(await mkdtemp(join(tmpdir(), 'hash-worker-')), 'data');
  }

  it('hashes what is reported written, in order, as it grows', async () => {
    const path = await scratchFile();
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(300_000), randomBytes(7)];
    await writeFile(path, '');
    const follower = followFile(path);
    let size = 0;
    for (const part of parts) {
      await appendFile(path, part);
      size += part.length;
      follower.advance(size);
    }
    expect(await follower.finish(size)).toEqual({ sha256: sha(Buffer.concat(parts)), hashedBytes: size });
  });

  it('reports a file shorter than expected instead of hashing zeros', async () => {
    const path = await scratchFile();
    await writeFile(path, 'short');
    expect(await followFile(path).finish(10)).toEqual({ sha256: sha('short'), hashedBytes: 5 });
    expect(await sha256FileInWorker(path, 10)).toBeUndefined();
    expect(await sha256FileInWorker(path, 5)).toBe(sha('short'));
  });

  it('rejects when the file cannot be opened', async () => {
    await expect(followFile('/nonexistent/registry/file').finish(1)).rejects.toThrow('ENOENT');
  });
});
