// The pool bounds memory: never more than `count` buffers, reused in turn.
import { describe, expect, it } from 'vitest';
import { BufferPool } from './buffer-pool.ts';

describe('BufferPool', () => {
  it('creates at most `count` buffers and hands released ones to waiters', async () => {
    const pool = new BufferPool(2, 8);
    const a = await pool.acquire();
    const b = await pool.acquire();
    let third: Buffer | undefined;
    const waiting = pool.acquire().then((buf) => {
      third = buf;
    });
    await Promise.resolve();
    expect(third).toBeUndefined();
    pool.release(a);
    await waiting;
    expect(third).toBe(a);
    expect(pool.created).toBe(2);
    expect(b.length).toBe(8);
    expect(b.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('rejects a bad count naming it', () => {
    expect(() => new BufferPool(0, 8)).toThrow('count must be a positive integer, got 0');
  });
});
