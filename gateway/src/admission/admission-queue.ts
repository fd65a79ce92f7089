/**
 * The per-model admission queue the proxy calls before routing. A request goes straight through while the
 * model's endpoints have room; otherwise it waits in a {@link FairQueue} until a slot frees, an endpoint
 * turns ready, or its deadline passes. A model with zero ready endpoints holds requests for the longer
 * cold-start deadline (scale from zero), and listeners are told at once so the KEDA scaler can wake it.
 */
import type { Scheduler, TimerHandle } from '../ratelimit/clock.ts';
import { systemScheduler } from '../ratelimit/clock.ts';
import type { EndpointState } from '../routing/types.ts';
import type { SaturationPolicy } from './capacity.ts';
import { hasReadyEndpoint, modelCapacity } from './capacity.ts';
import { AdmissionError } from './errors.ts';
import type { QueueEntry } from './fair-queue.ts';
import { FairQueue } from './fair-queue.ts';

/** Settings of one model's queue (defaults live in `config.ts`). */
export interface ModelQueuePolicy extends SaturationPolicy {
  maxQueueDepth: number;
  queueTimeoutMs: number;
  /** Deadline while the model has zero ready endpoints (LLM cold starts take minutes). */
  coldStartTimeoutMs: number;
  retryAfterSeconds: number;
  /** While requests wait, capacity is also re-checked this often (a safety net for missed notifications). */
  recheckIntervalMs: number;
}

/** Hooks for metrics and the scaler; all optional. */
export interface AdmissionObserver {
  /** A request left the queue: admitted after waiting, or rejected. */
  dequeued?(
    model: string,
    tenant: string,
    waitMs: number,
    outcome: 'admitted' | AdmissionError['reason'],
  ): void;
  /** Queue depth or in-flight count of a model changed. */
  changed?(model: string): void;
}

/** Options of {@link createAdmissionQueue}. */
export interface AdmissionQueueOptions {
  /** The model's current endpoints (ready or not, with outstanding counts and engine samples). */
  endpoints(model: string): readonly EndpointState[];
  policy(model: string): ModelQueuePolicy;
  /** Fair-share weight of a tenant. Default 1. */
  tenantWeight?: (tenant: string) => number;
  clock?: Scheduler;
  observer?: AdmissionObserver;
}

/** What the proxy asks for. */
export interface AdmitRequest {
  model: string;
  tenant?: string;
  /** Higher goes first. Default 0. */
  priority?: number;
  /** Estimated tokens (prompt + max output), charged to the tenant's fair-share counter. */
  tokens?: number;
  /**
   * Aborts the wait (client disconnected): an AbortSignal, or anything with its `aborted` and `abort`
   * listeners (the proxy's RequestAbort).
   */
  signal?: {
    readonly aborted: boolean;
    addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: 'abort', listener: () => void): void;
  };
}

/** A granted slot; release it when the response ends, however it ends. */
export interface Ticket {
  readonly waitedMs: number;
  /** Frees the slot; `usedTokens` corrects the tenant's counter to real usage. Idempotent. */
  release(usedTokens?: number): void;
}

/** Queue and in-flight counts of a model. */
export interface QueueStats {
  queued: number;
  inflight: number;
  /** Queued while the model has zero ready endpoints (waiting for a cold start). */
  held: number;
}

/** Whether a model has demand: a request waiting or in flight (what the KEDA scaler's `IsActive` answers). */
export const hasDemand = (s: QueueStats): boolean => s.queued + s.inflight > 0;

/** The queue's surface. */
export interface AdmissionQueue {
  /** Waits for a slot; rejects with {@link AdmissionError}. */
  admit(request: AdmitRequest): Promise<Ticket>;
  /**
   * A slot now, when nobody waits and the model has room (what `admit` resolves at once); otherwise
   * `undefined`, and the caller waits with `admit`. Spares the common case a promise.
   */
  tryAdmit(request: AdmitRequest): Ticket | undefined;
  /** Re-checks capacity (call when endpoints change or metrics are scraped). No model: all models. */
  notify(model?: string): void;
  stats(model: string): QueueStats;
  models(): string[];
  /** Listens for changes of a model's stats; returns an unsubscribe function. */
  subscribe(listener: (model: string) => void): () => void;
}

interface Waiter extends QueueEntry {
  resolve(ticket: Ticket): void;
  reject(error: AdmissionError): void;
  timer?: TimerHandle;
  cleanup(): void;
}

interface ModelState {
  queue: FairQueue<Waiter>;
  inflight: number;
  recheck?: TimerHandle;
}

/** Creates an {@link AdmissionQueue}. */
export function createAdmissionQueue(options: AdmissionQueueOptions): AdmissionQueue {
  const clock = options.clock ?? systemScheduler;
  const states = new Map<string, ModelState>();
  const listeners = new Set<(model: string) => void>();

  const stateOf = (model: string): ModelState => {
    let s = states.get(model);
    if (!s) {
      s = { queue: new FairQueue<Waiter>(options.tenantWeight), inflight: 0 };
      states.set(model, s);
    }
    return s;
  };
  const changed = (model: string) => {
    options.observer?.changed?.(model);
    for (const l of listeners) l(model);
  };
  const hasRoom = (model: string, s: ModelState) =>
    s.inflight < modelCapacity(options.endpoints(model), options.policy(model), clock.now());

  /** Takes a slot; `charged` is what the tenant's counter was charged, corrected at release. */
  function grant(model: string, s: ModelState, tenant: string, waitedMs: number, charged: number): Ticket {
    s.inflight++;
    let released = false;
    return {
      waitedMs,
      release(usedTokens) {
        if (released) return;
        released = true;
        s.inflight--;
        if (usedTokens !== undefined) s.queue.charge(tenant, usedTokens - charged);
        pump(model);
        changed(model);
      },
    };
  }

  function reject(model: string, s: ModelState, w: Waiter, error: AdmissionError): void {
    if (!s.queue.remove(w)) return;
    w.cleanup();
    options.observer?.dequeued?.(model, w.tenant, clock.now() - w.enqueuedAtMs, error.reason);
    w.reject(error);
    changed(model);
  }

  function pump(model: string): void {
    const s = stateOf(model);
    let moved = false;
    while (s.queue.size > 0 && hasRoom(model, s)) {
      const w = s.queue.shift()!;
      w.cleanup();
      const waited = clock.now() - w.enqueuedAtMs;
      options.observer?.dequeued?.(model, w.tenant, waited, 'admitted');
      w.resolve(grant(model, s, w.tenant, waited, w.tokens));
      moved = true;
    }
    if (moved) changed(model);
  }

  function armDeadline(model: string, s: ModelState, w: Waiter): void {
    const policy = options.policy(model);
    const elapsed = clock.now() - w.enqueuedAtMs;
    const cold = !hasReadyEndpoint(options.endpoints(model));
    const deadline = cold ? policy.coldStartTimeoutMs : policy.queueTimeoutMs;
    if (elapsed >= deadline) {
      const reason = cold ? 'no_ready_endpoints' : 'queue_timeout';
      reject(model, s, w, new AdmissionError(reason, model, policy.retryAfterSeconds));
      return;
    }
    // Re-check at the deadline: whether the model is cold then decides which deadline applies.
    w.timer = clock.setTimeout(() => armDeadline(model, s, w), deadline - elapsed);
  }

  function tryAdmit(request: AdmitRequest): Ticket | undefined {
    const { model } = request;
    const s = stateOf(model);
    if (request.signal?.aborted || s.queue.size > 0 || !hasRoom(model, s)) return undefined;
    const tenant = request.tenant ?? 'default';
    s.queue.charge(tenant, request.tokens ?? 0);
    const ticket = grant(model, s, tenant, 0, request.tokens ?? 0);
    changed(model);
    return ticket;
  }

  function admit(request: AdmitRequest): Promise<Ticket> {
    const { model } = request;
    const tenant = request.tenant ?? 'default';
    const s = stateOf(model);
    const policy = options.policy(model);
    if (request.signal?.aborted) return Promise.reject(new AdmissionError('cancelled', model, 0));
    const now = tryAdmit(request);
    if (now) return Promise.resolve(now);
    if (s.queue.size >= policy.maxQueueDepth) {
      const room = makeRoom(model, s, tenant, policy);
      if (room !== 'made') return Promise.reject(new AdmissionError(room, model, policy.retryAfterSeconds));
    }
    return new Promise<Ticket>((resolve, rejectPromise) => {
      const onAbort = () => reject(model, s, w, new AdmissionError('cancelled', model, 0));
      const w: Waiter = {
        tenant,
        priority: request.priority ?? 0,
        tokens: request.tokens ?? 0,
        enqueuedAtMs: clock.now(),
        resolve,
        reject: rejectPromise,
        cleanup() {
          if (w.timer) clock.clearTimeout(w.timer);
          request.signal?.removeEventListener('abort', onAbort);
        },
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      s.queue.push(w);
      armDeadline(model, s, w);
      armRecheck(model, s);
      changed(model);
    });
  }

  /** Re-pumps a model with waiting requests on an interval, until its queue is empty. */
  function armRecheck(model: string, s: ModelState): void {
    if (s.recheck) return;
    s.recheck = clock.setTimeout(() => {
      s.recheck = undefined;
      pump(model);
      if (s.queue.size > 0) armRecheck(model, s);
    }, options.policy(model).recheckIntervalMs);
  }

  /**
   * A full queue still takes a tenant below its weighted share of the queue, by evicting the newest entry
   * of the tenant furthest over its share (that one gets 429). A tenant at or over its share gets 429; when
   * it is the only one waiting, or nobody is over their share, the queue is simply full (503).
   */
  function makeRoom(
    model: string,
    s: ModelState,
    tenant: string,
    policy: ModelQueuePolicy,
  ): 'made' | 'tenant_over_share' | 'queue_full' {
    const weight = options.tenantWeight ?? (() => 1);
    const tenants = s.queue.backloggedTenants();
    tenants.add(tenant);
    if (tenants.size === 1) return 'queue_full';
    let totalWeight = 0;
    for (const t of tenants) totalWeight += weight(t);
    const share = (t: string) => (policy.maxQueueDepth * weight(t)) / totalWeight;
    if (s.queue.queuedBy(tenant) + 1 > share(tenant)) return 'tenant_over_share';
    let victim: string | undefined;
    let worst = 0;
    for (const t of tenants) {
      const over = s.queue.queuedBy(t) - share(t);
      if (over > worst) [victim, worst] = [t, over];
    }
    const evicted = victim && s.queue.newestOf(victim);
    if (!evicted) return 'queue_full';
    reject(model, s, evicted, new AdmissionError('tenant_over_share', model, policy.retryAfterSeconds));
    return 'made';
  }

  return {
    admit,
    tryAdmit,
    notify(model) {
      for (const m of model ? [model] : [...states.keys()]) pump(m);
    },
    stats(model) {
      const s = states.get(model);
      if (!s) return { queued: 0, inflight: 0, held: 0 };
      const cold = s.queue.size > 0 && !hasReadyEndpoint(options.endpoints(model));
      return { queued: s.queue.size, inflight: s.inflight, held: cold ? s.queue.size : 0 };
    },
    models: () => [...states.keys()],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
