import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ratelimit/clock.ts';
import type { EndpointState } from '../routing/types.ts';
import type { ModelQueuePolicy, Ticket } from './admission-queue.ts';
import { createAdmissionQueue } from './admission-queue.ts';
import { AdmissionError } from './errors.ts';

const basePolicy: ModelQueuePolicy = {
  maxConcurrency: 1,
  maxWaiting: 8,
  staleAfterMs: 3000,
  maxQueueDepth: 100,
  queueTimeoutMs: 30_000,
  coldStartTimeoutMs: 600_000,
  retryAfterSeconds: 2,
  recheckIntervalMs: 250,
};

/** One model, `ready` endpoints each taking `maxConcurrency` requests (outstanding tracked by the queue). */
function setup(
  options: { endpoints?: number; policy?: Partial<ModelQueuePolicy>; weights?: Record<string, number> } = {},
) {
  const clock = createManualClock();
  let endpoints: EndpointState[] = Array.from({ length: options.endpoints ?? 1 }, (_, i) => ({
    id: `e${i}`,
    url: '',
    model: 'm',
    ready: true,
    outstanding: 0,
  }));
  const waits: string[] = [];
  const queue = createAdmissionQueue({
    endpoints: () => endpoints,
    policy: () => ({ ...basePolicy, ...options.policy }),
    tenantWeight: (t) => options.weights?.[t] ?? 1,
    clock,
    observer: { dequeued: (_m, tenant, _w, outcome) => waits.push(`${tenant}:${outcome}`) },
  });
  const setEndpoints = (next: EndpointState[]) => {
    endpoints = next;
    queue.notify('m');
  };
  return { clock, queue, setEndpoints, waits, endpoints: () => endpoints };
}

/** Admits and records the order in which requests are granted. */
function track(
  queue: ReturnType<typeof setup>['queue'],
  order: string[],
  tenant: string,
  extra: object = {},
) {
  return queue.admit({ model: 'm', tenant, ...extra }).then((t) => {
    order.push(tenant);
    return t;
  });
}

const flush = () => new Promise((r) => setImmediate(r));

describe('createAdmissionQueue', () => {
  it('admits at once while endpoints have room', async () => {
    const { queue } = setup({ endpoints: 2 });
    const a = await queue.admit({ model: 'm' });
    await queue.admit({ model: 'm' });
    expect(a.waitedMs).toBe(0);
    expect(queue.stats('m')).toEqual({ queued: 0, inflight: 2, held: 0 });
  });

  it('tryAdmit grants a slot without a promise only when nobody waits and there is room', async () => {
    const { queue } = setup();
    const now = queue.tryAdmit({ model: 'm', tenant: 'a' });
    expect(now?.waitedMs).toBe(0);
    expect(queue.stats('m')).toEqual({ queued: 0, inflight: 1, held: 0 });
    expect(queue.tryAdmit({ model: 'm' })).toBeUndefined(); // no room: the caller waits with admit
    const waiting = queue.admit({ model: 'm', tenant: 'b' });
    now!.release();
    expect(queue.stats('m').inflight).toBe(1); // the waiter took the freed slot
    expect(queue.tryAdmit({ model: 'm' })).toBeUndefined();
    (await waiting).release();
    const aborted = new AbortController();
    aborted.abort();
    expect(queue.tryAdmit({ model: 'm', signal: aborted.signal })).toBeUndefined();
    expect(queue.tryAdmit({ model: 'm' })).toBeDefined();
  });

  it('tryAdmit does not pass requests already waiting', async () => {
    const { queue, endpoints } = setup();
    const first = queue.tryAdmit({ model: 'm' })!;
    const waiting = queue.admit({ model: 'm', tenant: 'w' });
    // Room appears without a notification (the recheck timer has not fired): the waiter is still first.
    endpoints().push({ ...endpoints()[0]!, id: 'e1', outstanding: 0 });
    expect(queue.tryAdmit({ model: 'm' })).toBeUndefined();
    first.release(); // pumps: the waiter goes, then there is room for newcomers again
    expect((await waiting).waitedMs).toBe(0);
    expect(queue.tryAdmit({ model: 'm' })).toBeDefined();
  });

  it('queues when every endpoint is saturated and releases in turn', async () => {
    const { queue, clock } = setup();
    const first = await queue.admit({ model: 'm' });
    const second = queue.admit({ model: 'm' });
    expect(queue.stats('m').queued).toBe(1);
    clock.advance(250);
    first.release();
    expect((await second).waitedMs).toBe(250);
  });

  it('queues when endpoints report engine queues above the threshold', async () => {
    const { queue, setEndpoints } = setup({ policy: { maxConcurrency: 10, maxWaiting: 2 } });
    const busy = { id: 'e0', url: '', model: 'm', ready: true, outstanding: 0 };
    setEndpoints([
      { ...busy, engine: { waiting: 5, running: 4, kvCacheUsage: 0.5, scrapedAtMs: Date.now() + 1e12 } },
    ]);
    const pending = queue.admit({ model: 'm' });
    expect(queue.stats('m').queued).toBe(1);
    setEndpoints([busy]);
    await pending;
  });

  /** Queues `requests` behind one blocker on a one-slot model, then serves `steps` of them one at a time. */
  async function serveInTurn(
    queue: ReturnType<typeof setup>['queue'],
    requests: { tenant: string; tokens: number }[],
    steps: number,
  ): Promise<string[]> {
    const order: string[] = [];
    const granted: Ticket[] = [];
    const blocker = await queue.admit({ model: 'm', tenant: 'blocker' });
    for (const r of requests) {
      void queue.admit({ model: 'm', ...r }).then((t) => {
        order.push(r.tenant);
        granted.push(t);
      });
    }
    blocker.release();
    for (let i = 0; i < steps; i++) {
      await flush();
      granted.shift()?.release();
    }
    return order;
  }

  it('shares a saturated model fairly between two tenants under contention', async () => {
    const { queue } = setup();
    const noisy = Array.from({ length: 12 }, () => ({ tenant: 'noisy', tokens: 100 }));
    const quiet = Array.from({ length: 3 }, () => ({ tenant: 'quiet', tokens: 100 }));
    const order = await serveInTurn(queue, [...noisy, ...quiet], 8);
    // Queued after twelve noisy requests, the quiet tenant is still served every other turn.
    expect(order.slice(0, 6)).toEqual(['noisy', 'quiet', 'noisy', 'quiet', 'noisy', 'quiet']);
  });

  it('weighs fair sharing by tokens: a request twice as large costs twice the turn', async () => {
    const { queue } = setup();
    const big = Array.from({ length: 6 }, () => ({ tenant: 'big', tokens: 200 }));
    const small = Array.from({ length: 6 }, () => ({ tenant: 'small', tokens: 100 }));
    const order = await serveInTurn(queue, [...big, ...small], 9);
    expect(order.slice(0, 9).filter((t) => t === 'small')).toHaveLength(6);
  });

  it('weighs fair sharing by tenant weight', async () => {
    const { queue } = setup({ weights: { gold: 3 } });
    const gold = Array.from({ length: 8 }, () => ({ tenant: 'gold', tokens: 10 }));
    const bronze = Array.from({ length: 8 }, () => ({ tenant: 'bronze', tokens: 10 }));
    const order = await serveInTurn(queue, [...gold, ...bronze], 8);
    expect(order.slice(0, 8).filter((t) => t === 'gold')).toHaveLength(6);
  });

  it('serves higher priority classes first', async () => {
    const { queue } = setup();
    const order: string[] = [];
    const blocker = await queue.admit({ model: 'm' });
    const low = track(queue, order, 'batch', { priority: 0 });
    const high = track(queue, order, 'interactive', { priority: 10 });
    blocker.release();
    (await high).release();
    await low;
    expect(order).toEqual(['interactive', 'batch']);
  });

  it('rejects with 503 queue_timeout at the deadline', async () => {
    const { queue, clock, waits } = setup({ policy: { queueTimeoutMs: 5000 } });
    await queue.admit({ model: 'm' });
    const waiting = queue.admit({ model: 'm', tenant: 't' });
    clock.advance(4999);
    expect(queue.stats('m').queued).toBe(1);
    clock.advance(1);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdmissionError);
    expect(error).toMatchObject({ reason: 'queue_timeout', status: 503, retryAfterSeconds: 2 });
    expect(waits).toEqual(['t:queue_timeout']);
  });

  it('rejects with 503 queue_full when the queue is full of one tenant', async () => {
    const { queue } = setup({ policy: { maxQueueDepth: 1 } });
    await queue.admit({ model: 'm' });
    void queue.admit({ model: 'm', tenant: 'a' });
    await expect(queue.admit({ model: 'm', tenant: 'a' })).rejects.toMatchObject({
      reason: 'queue_full',
      status: 503,
    });
  });

  it('makes room in a full queue for a tenant under its share by evicting the noisy tenant (429)', async () => {
    const { queue } = setup({ policy: { maxQueueDepth: 4 } });
    await queue.admit({ model: 'm' });
    const noisy = Array.from({ length: 4 }, () =>
      queue.admit({ model: 'm', tenant: 'noisy' }).catch((e: AdmissionError) => e),
    );
    void queue.admit({ model: 'm', tenant: 'quiet' });
    expect(await noisy[3]).toMatchObject({ reason: 'tenant_over_share', status: 429 });
    expect(queue.stats('m').queued).toBe(4);
    void queue.admit({ model: 'm', tenant: 'quiet' });
    await expect(queue.admit({ model: 'm', tenant: 'quiet' })).rejects.toMatchObject({
      reason: 'tenant_over_share',
      status: 429,
    });
  });

  it('drops a queued request whose client disconnects', async () => {
    const { queue } = setup();
    await queue.admit({ model: 'm' });
    const controller = new AbortController();
    const waiting = queue.admit({ model: 'm', signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ reason: 'cancelled' });
    expect(queue.stats('m').queued).toBe(0);
  });

  describe('scale from zero', () => {
    it('holds requests while the model has zero ready endpoints and releases them when one turns ready', async () => {
      const { queue, clock, setEndpoints } = setup({ endpoints: 0, policy: { queueTimeoutMs: 30_000 } });
      const held = queue.admit({ model: 'm' });
      expect(queue.stats('m')).toEqual({ queued: 1, inflight: 0, held: 1 });
      clock.advance(5 * 60_000); // far past the normal queue deadline
      expect(queue.stats('m').held).toBe(1);
      setEndpoints([{ id: 'new-pod', url: '', model: 'm', ready: true, outstanding: 0 }]);
      const ticket = await held;
      expect(ticket.waitedMs).toBe(5 * 60_000);
      expect(queue.stats('m')).toEqual({ queued: 0, inflight: 1, held: 0 });
    });

    it('tells subscribers at once when a request is held (so the scaler can wake the model)', () => {
      const { queue } = setup({ endpoints: 0 });
      const seen: string[] = [];
      queue.subscribe((model) => seen.push(`${model}:${queue.stats(model).held}`));
      void queue.admit({ model: 'm' });
      expect(seen).toEqual(['m:1']);
    });

    it('gives up at the cold-start deadline (default 10 minutes) with 503 no_ready_endpoints', async () => {
      const { queue, clock } = setup({ endpoints: 0 });
      const held = queue.admit({ model: 'm' }).catch((e: unknown) => e);
      clock.advance(599_999);
      expect(queue.stats('m').held).toBe(1);
      clock.advance(1);
      expect(await held).toMatchObject({ reason: 'no_ready_endpoints', status: 503 });
    });

    it('re-checks capacity on an interval even if a change was not notified', async () => {
      const { queue, clock, endpoints } = setup({ endpoints: 0 });
      const held = queue.admit({ model: 'm' });
      endpoints().push({ id: 'quiet-pod', url: '', model: 'm', ready: true, outstanding: 0 });
      clock.advance(250);
      expect((await held).waitedMs).toBe(250);
    });
  });
});
