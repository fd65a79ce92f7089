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
  /** Set by `collect`: chunks go here, without events. */
  #collector: Collector | undefined;

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

  /**
   * The whole body in one buffer, for JSON responses, reported to `done` once: the chunks are gathered as
   * they come, with no `data`/`end` events, listeners, deferred turns or promise. Past `limit` bytes the
   * rest is read and dropped. Instead of events, not with them: call once, before any `on`.
   */
  collect(done: CollectDone, limit = Number.POSITIVE_INFINITY): void {
    const collector = new Collector(limit, done);
    for (const chunk of this.#queue) collector.add(chunk);
    this.#queue = [];
    if (this.#error) {
      this.#closed = true;
      done(this.#error, undefined);
      return;
    }
    if (this.#ended) {
      this.#closed = true;
      done(undefined, collector.result());
      return;
    }
    this.#collector = collector;
    this.#source.resume();
  }

  /** From the dispatch handler: one chunk. Returns false to ask undici to pause the socket. */
  push(chunk: Buffer): boolean {
    if (this.#closed) return true;
    if (this.#collector) {
      this.#collector.add(chunk);
      return true;
    }
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
    const collector = this.#collector;
    if (collector) {
      this.#closed = true;
      collector.done(undefined, collector.result());
      return;
    }
    this.#schedule();
  }

  /** From the dispatch handler: the body failed (timeout, reset, abort). Queued data is dropped. */
  fail(error: Error): void {
    if (this.#closed || this.#error) return;
    const collector = this.#collector;
    if (collector) {
      this.#closed = true;
      collector.done(error, undefined);
      return;
    }
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

/** What `collect` reports: the failure, or the body. */
export type CollectDone = (error: Error | undefined, body: Buffer | undefined) => void;

/** Where `collect` gathers a body: up to `limit` bytes kept, the rest counted and dropped. */
class Collector {
  readonly chunks: Buffer[] = [];
  size = 0;
  readonly limit: number;
  readonly done: CollectDone;

  constructor(limit: number, done: CollectDone) {
    this.limit = limit;
    this.done = done;
  }

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size <= this.limit) this.chunks.push(chunk);
  }

  result(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
  }
}
