// receiveRange puts a body's bytes at their place in the file and nowhere else.
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiveRange } from './range-io.ts';

const KiB = 1024;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'range-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A body that hands over `bytes` in pieces of `piece` bytes. */
function bodyOf(bytes: Buffer, piece = 64 * KiB): Readable {
  const pieces = [];
  for (let at = 0; at < bytes.length; at += piece) pieces.push(bytes.subarray(at, at + piece));
  return Readable.from(pieces);
}

async function receiveInto(existing: Buffer, body: Readable, start: number, length: number) {
  const path = join(dir, 'partial');
  const file = await open(path, 'w+');
  await file.write(existing, 0, existing.length, 0);
  const written: number[] = [];
  try {
    const outcome = await receiveRange(body, file, start, length, (n) => written.push(n)).then(
      () => 'ok',
      (error: Error) => error.message,
    );
    return { outcome, written, bytes: await readFile(path) };
  } finally {
    await file.close();
  }
}

describe('receiveRange', () => {
  it('writes the body at its offset and reports every completed write', async () => {
    const zeros = Buffer.alloc(5000 * KiB);
    const range = randomBytes(3000 * KiB);
    const { outcome, written, bytes } = await receiveInto(zeros, bodyOf(range), 1000 * KiB, range.length);
    expect(outcome).toBe('ok');
    expect(written.reduce((a, b) => a + b, 0)).toBe(range.length);
    expect(bytes.subarray(1000 * KiB, 4000 * KiB)).toEqual(range);
    expect(bytes.subarray(0, 1000 * KiB)).toEqual(zeros.subarray(0, 1000 * KiB));
    expect(bytes.subarray(4000 * KiB)).toEqual(zeros.subarray(4000 * KiB));
  });

  it('fails when the body ends early', async () => {
    const range = randomBytes(100 * KiB);
    const { outcome } = await receiveInto(Buffer.alloc(0), bodyOf(range), 0, 200 * KiB);
    expect(outcome).toBe(`range returned ${100 * KiB} of ${200 * KiB} bytes`);
  });

  it('fails on a longer body without writing past the range', async () => {
    const zeros = Buffer.alloc(300 * KiB);
    const { outcome, bytes } = await receiveInto(
      zeros,
      bodyOf(randomBytes(300 * KiB), 16 * KiB),
      0,
      100 * KiB,
    );
    expect(outcome).toBe(`range returned more than ${100 * KiB} bytes`);
    expect(bytes.subarray(100 * KiB)).toEqual(zeros.subarray(100 * KiB));
  });

  it('fails with the body error', async () => {
    const body = new Readable({
      read() {
        this.destroy(new Error('socket hang up'));
      },
    });
    const { outcome } = await receiveInto(Buffer.alloc(0), body, 0, 10);
    expect(outcome).toBe('socket hang up');
  });
});
