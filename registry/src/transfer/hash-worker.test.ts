// The hashing workers give the same digests as hashing in place, in call order, reading shared memory.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownedBuffer, sha256Part, sharedBuffer, workerDigest } from './hash-worker.ts';

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

describe('moving memory to the digest worker', () => {
  it('hashes a slice of an owned buffer and hands the whole memory back', async () => {
    const owned = ownedBuffer(16);
    owned.write('xxhelloxxxxxxxxx');
    const digest = workerDigest();
    const back = await digest.updateMoving(owned.subarray(2, 7));
    expect(owned.byteLength).toBe(0); // moved away
    expect(back.length).toBe(16);
    expect(back.subarray(2, 7).toString()).toBe('hello');
    expect(await digest.digest()).toBe(sha('hello'));
    await expect(workerDigest().updateMoving(back)).resolves.toHaveLength(16); // movable again
  });

  it('refuses to move memory it did not make (Node pools small buffers)', async () => {
    await expect(workerDigest().updateMoving(Buffer.allocUnsafe(10))).rejects.toThrow('ownedBuffer');
  });
});
