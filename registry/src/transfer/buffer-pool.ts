// A fixed set of reusable part buffers in shared memory. Uploads take a buffer before reading a part and
// give it back when the part is sent and hashed, so memory stays at `count × size` however large the
// model is, with no allocation churn for the allocator to hold on to.
import { sharedBuffer } from './hash-worker.ts';

/** Reusable buffers of `size` bytes, at most `count` of them, created on demand. */
export class BufferPool {
  readonly size: number;
  readonly #count: number;
  #created = 0;
  readonly #free: Buffer[] = [];
  readonly #waiters: ((buffer: Buffer) => void)[] = [];

  /** Buffers live in shared memory, so the hashing workers read them in place. */
  constructor(count: number, size: number) {
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`count must be a positive integer, got ${count}`);
    if (!Number.isInteger(size) || size < 0)
      throw new Error(`size must be a non-negative integer, got ${size}`);
    this.#count = count;
    this.size = size;
  }

  /** Waits for a free buffer (creating one while fewer than `count` exist). */
  async acquire(): Promise<Buffer> {
    const free = this.#free.pop();
    if (free) return free;
    if (this.#created < this.#count) {
      this.#created++;
      return sharedBuffer(this.size);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Gives a buffer back, handing it straight to the oldest waiter. */
  release(buffer: Buffer): void {
    const next = this.#waiters.shift();
    if (next) next(buffer);
    else this.#free.push(buffer);
  }

  /** Buffers created so far (for tests: proves the bound). */
  get created(): number {
    return this.#created;
  }
}
