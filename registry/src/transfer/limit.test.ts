// Bounded concurrency: never more than the limit at once, and no new work after a failure.
import { describe, expect, it } from 'vitest';
import { mapLimit, Semaphore } from './limit.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapLimit', () => {
  it('keeps results in input order and at most `limit` running', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
  });

  it('starts nothing new after a failure and rethrows it once in-flight work settles', async () => {
    const started: number[] = [];
    let settled = 0;
    await expect(
      mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
        started.push(n);
        await tick();
        settled++;
        if (n === 1) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(5);
    expect(settled).toBe(started.length);
  });
});

describe('Semaphore', () => {
  it('hands permits to waiters in order', async () => {
    const s = new Semaphore(1);
    const order: string[] = [];
    await s.acquire();
    const a = s.acquire().then(() => order.push('a'));
    const b = s.acquire().then(() => order.push('b'));
    s.release();
    await a;
    s.release();
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('rejects a non-positive permit count naming it', () => {
    expect(() => new Semaphore(0)).toThrow('permits must be a positive integer, got 0');
  });
});
