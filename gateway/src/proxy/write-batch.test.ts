import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WriteBatch } from './write-batch.ts';

/** What the batch touches on a response: whether it is destroyed, and destroying it. */
function response(): ServerResponse & { destroyCalls: number } {
  const fake = {
    destroyed: false,
    destroyCalls: 0,
    destroy() {
      fake.destroyed = true;
      fake.destroyCalls++;
    },
  };
  return fake as unknown as ServerResponse & { destroyCalls: number };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('WriteBatch', () => {
  it('writes at once when no other request is in flight and nothing is queued', () => {
    const batch = new WriteBatch(
      () => false,
      () => {},
    );
    const log: string[] = [];
    batch.run(response(), () => log.push('a'));
    expect(log).toEqual(['a']);
    expect(batch.pending).toBe(0);
  });

  it('holds writes while other requests are in flight and runs them together, in order, once the turn is done', async () => {
    const batch = new WriteBatch(
      () => true,
      () => {},
    );
    const log: string[] = [];
    batch.run(response(), () => log.push('a'));
    batch.run(response(), () => log.push('b'));
    await Promise.resolve(); // microtasks of this turn: still held
    expect(log).toEqual([]);
    expect(batch.pending).toBe(2);
    await nextTurn();
    expect(log).toEqual(['a', 'b']);
    expect(batch.pending).toBe(0);
  });

  it('queues behind writes already held even when the load has gone, so a response keeps its order', async () => {
    let busy = true;
    const batch = new WriteBatch(
      () => busy,
      () => {},
    );
    const log: string[] = [];
    const out = response();
    batch.run(out, () => log.push('first chunk'));
    busy = false;
    batch.run(out, () => log.push('end'));
    expect(log).toEqual([]);
    await nextTurn();
    expect(log).toEqual(['first chunk', 'end']);
    batch.run(out, () => log.push('next turn, alone'));
    expect(log.at(-1)).toBe('next turn, alone');
  });

  it('skips the writes of a client that left before the batch ran', async () => {
    const batch = new WriteBatch(
      () => true,
      () => {},
    );
    const log: string[] = [];
    const gone = response();
    batch.run(gone, () => log.push('gone'));
    batch.run(response(), () => log.push('here'));
    gone.destroy();
    await nextTurn();
    expect(log).toEqual(['here']);
  });

  it('destroys the response of a write that throws, reports it, and still runs the rest of the batch', async () => {
    const errors: unknown[] = [];
    const batch = new WriteBatch(
      () => true,
      (error) => errors.push(error),
    );
    const log: string[] = [];
    const broken = response();
    batch.run(broken, () => {
      throw new Error('invalid header');
    });
    batch.run(response(), () => log.push('after'));
    await nextTurn();
    expect(broken.destroyCalls).toBe(1);
    expect((errors[0] as Error).message).toBe('invalid header');
    expect(log).toEqual(['after']);
  });

  it('settles at once with nothing queued, and only after the held writes have run otherwise', async () => {
    const batch = new WriteBatch(
      () => true,
      () => {},
    );
    await expect(batch.settled()).resolves.toBeUndefined();
    const log: string[] = [];
    batch.run(response(), () => log.push('held'));
    await batch.settled();
    expect(log).toEqual(['held']);
  });
});
