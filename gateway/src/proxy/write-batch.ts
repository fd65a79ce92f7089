/**
 * Client writes coalesced to the end of the event loop's poll phase.
 *
 * Under load one turn of the loop reads many engine responses. Written as each is read, every write wakes
 * the client side (a load balancer, an SDK process, wrk: one process holding many connections) while the
 * gateway still has the rest of the turn to run, and on a busy machine the woken peer preempts it. Queued and
 * written together once the turn's callbacks are done (`setImmediate`: the check phase right after poll), a
 * turn wakes each peer about once and is preempted less: on two cores the gateway's CPU per request fell by a
 * sixth and its request rate rose by a sixth (ADR 0009). A lone request has nothing to share a write-out
 * with, so with at most one request in flight and nothing queued a write happens at once, and the latency
 * at low load stays as it was.
 */
import type { ServerResponse } from 'node:http';

type Write = () => void;

export class WriteBatch {
  readonly #busy: () => boolean;
  readonly #onError: (error: unknown) => void;
  #outgoing: ServerResponse[] = [];
  #writes: Write[] = [];
  #scheduled = false;
  #flushed: Array<() => void> = [];

  /**
   * `busy`: whether other requests are in flight (then writes wait for the batch). `onError`: a write that
   * threw (its response is destroyed; the batch's other writes still run).
   */
  constructor(busy: () => boolean, onError: (error: unknown) => void) {
    this.#busy = busy;
    this.#onError = onError;
  }

  /** Writes queued for the end of this turn. */
  get pending(): number {
    return this.#writes.length;
  }

  /**
   * Runs `write` (which writes to `outgoing`) now, or with the batch at the end of this turn when other
   * requests are in flight or writes are already queued. Queued writes run in the order given, so a response's
   * writes keep their order whichever way each went.
   */
  run(outgoing: ServerResponse, write: Write): void {
    if (this.#writes.length === 0 && !this.#busy()) {
      this.#apply(outgoing, write);
      return;
    }
    this.#outgoing.push(outgoing);
    this.#writes.push(write);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  /**
   * Resolves once the writes queued now have run (at once when none are). A shutdown awaits it before it
   * closes connections.
   */
  settled(): Promise<void> {
    if (this.#writes.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#flushed.push(resolve));
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const outgoing = this.#outgoing;
    const writes = this.#writes;
    const flushed = this.#flushed;
    this.#outgoing = [];
    this.#writes = [];
    this.#flushed = [];
    for (let i = 0; i < writes.length; i++) this.#apply(outgoing[i]!, writes[i]!);
    for (const resolve of flushed) resolve();
  };

  #apply(outgoing: ServerResponse, write: Write): void {
    if (outgoing.destroyed) return; // the client left: nothing to write to
    try {
      write();
    } catch (error) {
      outgoing.destroy();
      this.#onError(error);
    }
  }
}
