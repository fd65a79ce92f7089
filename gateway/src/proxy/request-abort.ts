/**
 * A request's abort switch: the part of AbortController/AbortSignal the proxy uses (`aborted`, `abort`
 * listeners, `abort()`), as a plain object. Node's AbortController is an EventTarget with its own event
 * objects and listener bookkeeping; making one per request and registering a listener on it measured about
 * 6 µs of the gateway's CPU per request (paired runs, docs/adr/0002). A real AbortSignal satisfies
 * {@link AbortLike} too, so the admission queue and the upstream client accept either.
 */

/** A listener: a function, or an object with `handleEvent` (no closure needed). */
export type AbortListener = (() => void) | { handleEvent(): void };

/** What consumers of a request's cancellation read: satisfied by AbortSignal and by {@link RequestAbort}. */
export interface AbortLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: AbortListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/** Aborts once; listeners run once, in the order they were added. */
export class RequestAbort implements AbortLike {
  aborted = false;
  #listeners: AbortListener[] | undefined;

  addEventListener(_type: 'abort', listener: AbortListener): void {
    if (this.aborted) return;
    if (this.#listeners) this.#listeners.push(listener);
    else this.#listeners = [listener];
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    const listeners = this.#listeners;
    if (!listeners) return;
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) {
      if (typeof listener === 'function') listener();
      else listener.handleEvent();
    }
  }
}
