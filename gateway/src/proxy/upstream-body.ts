/**
 * The upstream response body as the relays consume it: `data`/`end`/`error` events with `pause`/`resume`,
 * fed straight by undici's dispatch handler. It replaces undici's `BodyReadable` (a full Node `Readable` plus
 * an `AsyncResource` per request), which the profile showed among the largest per-request costs; the relays
 * use only this small part of the stream contract.
 *
 * Chunks that arrive before a `data` listener (the body often shares a packet with the headers, while the
 * handler is still between awaits) are queued and delivered, in order, once one is attached. A paused or
 * unconsumed body holds at most one socket read: undici is paused at once and resumed with the consumer.
 */
import { EventEmitter } from 'node:events';

/** What the body needs from undici's request controller. */
export interface BodySource {
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

/** One upstream response body. */
export class UpstreamBody extends EventEmitter {
  readonly #source: BodySource;
  #queue: Buffer[] = [];
  #flowing = false;
  #paused = false;
  #ended = false;
  #error: Error | undefined;
  #closed = false;
  #scheduled = false;

  constructor(source: BodySource) {
    super();
    this.#source = source;
  }

  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    super.on(event, listener as (...args: unknown[]) => void);
    if (event === 'data' && !this.#paused) {
      this.#flowing = true;
      this.#schedule();
    } else if (event === 'error' && this.#error && !this.#closed) {
      this.#schedule();
    }
    return this;
  }

  /** Stops `data` events (and the upstream socket) until `resume()`. */
  pause(): this {
    this.#paused = true;
    this.#flowing = false;
    return this;
  }

  /** Restarts `data` events; with no `data` listener the rest of the body is read and dropped. */
  resume(): this {
    this.#paused = false;
    this.#flowing = true;
    this.#schedule();
    this.#source.resume();
    return this;
  }

  /** Aborts the upstream request. */
  destroy(error?: Error): void {
    if (this.#closed) return;
    this.#source.abort(error ?? new Error('upstream body destroyed'));
  }

  /** From the dispatch handler: one chunk. Returns false to ask undici to pause the socket. */
  push(chunk: Buffer): boolean {
    if (this.#closed) return true;
    if (this.#flowing && this.#queue.length === 0) {
      this.#emitData(chunk);
      return this.#flowing;
    }
    this.#queue.push(chunk);
    return false;
  }

  /** From the dispatch handler: the body is complete. */
  end(): void {
    this.#ended = true;
    this.#schedule();
  }

  /** From the dispatch handler: the body failed (timeout, reset, abort). Queued data is dropped. */
  fail(error: Error): void {
    if (this.#closed || this.#error) return;
    this.#error = error;
    this.#queue = [];
    this.#schedule();
  }

  #emitData(chunk: Buffer): void {
    if (this.listenerCount('data') > 0) this.emit('data', chunk);
  }

  // Deferred so that listeners attached in the same tick (`data`, then `end`, then `error`) all see events.
  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    process.nextTick(() => {
      this.#scheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    if (this.#closed) return;
    if (this.#error) {
      if (this.listenerCount('error') === 0) return; // kept until someone listens, never thrown
      this.#closed = true;
      this.emit('error', this.#error);
      return;
    }
    while (this.#flowing && this.#queue.length > 0) this.#emitData(this.#queue.shift()!);
    if (this.#queue.length > 0 || !this.#flowing) return;
    if (this.#ended) {
      this.#closed = true;
      this.emit('end');
      return;
    }
    this.#source.resume();
  }
}
