import { describe, expect, it } from 'vitest';
import { type AbortLike, RequestAbort } from './request-abort.ts';

describe('RequestAbort', () => {
  it('runs every listener once, in order, and none added afterwards', () => {
    const abort = new RequestAbort();
    const seen: string[] = [];
    const object = { handleEvent: () => seen.push('object') };
    abort.addEventListener('abort', () => seen.push('first'));
    abort.addEventListener('abort', object);
    const removed = () => seen.push('removed');
    abort.addEventListener('abort', removed);
    abort.removeEventListener('abort', removed);
    expect(abort.aborted).toBe(false);
    abort.abort();
    abort.abort();
    abort.addEventListener('abort', () => seen.push('late'));
    expect(abort.aborted).toBe(true);
    expect(seen).toEqual(['first', 'object']);
  });

  it('is interchangeable with a real AbortSignal where an AbortLike is read', () => {
    const controller = new AbortController();
    const signal: AbortLike = controller.signal;
    let called = 0;
    signal.addEventListener('abort', () => called++, { once: true });
    controller.abort();
    expect([signal.aborted, called]).toEqual([true, 1]);
  });
});
