/**
 * The waiting line of one model: strict priority between classes, and within a class a virtual token
 * counter (VTC) per tenant, so the tenant that has received the fewest weighted tokens goes next. A tenant
 * that becomes backlogged is lifted to the lowest counter among those waiting (or the last served), so
 * idle time banks no credit. FIFO within a tenant. Pure data structure: no timers, no I/O.
 */

/** One waiting request. */
export interface QueueEntry {
  tenant: string;
  priority: number;
  /** Tokens charged to the tenant's counter when it is dispatched. */
  tokens: number;
  enqueuedAtMs: number;
}

/** Per-tenant weight; a tenant with weight 2 gets twice the tokens of a weight-1 tenant. */
export type WeightOf = (tenant: string) => number;

/** A fair queue of `T` entries. */
export class FairQueue<T extends QueueEntry> {
  readonly #byClass = new Map<number, Map<string, T[]>>();
  readonly #counters = new Map<string, number>();
  readonly #weightOf: WeightOf;
  #size = 0;
  #lastServed = 0;

  constructor(weightOf: WeightOf = () => 1) {
    this.#weightOf = weightOf;
  }

  get size(): number {
    return this.#size;
  }

  /** A tenant's virtual counter (weighted tokens served). */
  counter(tenant: string): number {
    return this.#counters.get(tenant) ?? 0;
  }

  /** Entries of `tenant` waiting. */
  queuedBy(tenant: string): number {
    let n = 0;
    for (const tenants of this.#byClass.values()) n += tenants.get(tenant)?.length ?? 0;
    return n;
  }

  /** Tenants with at least one waiting entry. */
  backloggedTenants(): Set<string> {
    const out = new Set<string>();
    for (const tenants of this.#byClass.values()) for (const t of tenants.keys()) out.add(t);
    return out;
  }

  push(entry: T): void {
    if (!this.backloggedTenants().has(entry.tenant)) {
      let floor = Number.POSITIVE_INFINITY;
      for (const t of this.backloggedTenants()) floor = Math.min(floor, this.counter(t));
      if (!Number.isFinite(floor)) floor = this.#lastServed;
      this.#counters.set(entry.tenant, Math.max(this.counter(entry.tenant), floor));
    }
    let tenants = this.#byClass.get(entry.priority);
    if (!tenants) {
      tenants = new Map();
      this.#byClass.set(entry.priority, tenants);
    }
    const line = tenants.get(entry.tenant);
    if (line) line.push(entry);
    else tenants.set(entry.tenant, [entry]);
    this.#size++;
  }

  /** The entry that should go next, without removing it. */
  peek(): T | undefined {
    const top = Math.max(...this.#byClass.keys());
    const tenants = this.#byClass.get(top);
    if (!tenants) return undefined;
    let best: T | undefined;
    let bestCounter = Number.POSITIVE_INFINITY;
    for (const [tenant, line] of tenants) {
      const c = this.counter(tenant);
      if (c < bestCounter || (c === bestCounter && line[0]!.enqueuedAtMs < best!.enqueuedAtMs)) {
        best = line[0];
        bestCounter = c;
      }
    }
    return best;
  }

  /** Removes and returns the next entry, charging its tokens to its tenant. */
  shift(): T | undefined {
    const entry = this.peek();
    if (!entry) return undefined;
    this.remove(entry);
    this.charge(entry.tenant, entry.tokens);
    this.#lastServed = this.counter(entry.tenant);
    return entry;
  }

  /** Removes an entry (deadline, cancellation, eviction). Returns whether it was queued. */
  remove(entry: T): boolean {
    const tenants = this.#byClass.get(entry.priority);
    const line = tenants?.get(entry.tenant);
    const i = line ? line.indexOf(entry) : -1;
    if (!tenants || !line || i < 0) return false;
    line.splice(i, 1);
    if (line.length === 0) tenants.delete(entry.tenant);
    if (tenants.size === 0) this.#byClass.delete(entry.priority);
    this.#size--;
    return true;
  }

  /** The newest entry of a tenant (the one to evict when it is over its share). */
  newestOf(tenant: string): T | undefined {
    let newest: T | undefined;
    for (const tenants of this.#byClass.values()) {
      const e = tenants.get(tenant)?.at(-1);
      if (e && (!newest || e.enqueuedAtMs >= newest.enqueuedAtMs)) newest = e;
    }
    return newest;
  }

  /** Adds weighted tokens to a tenant's counter (negative corrects an over-estimate at release). */
  charge(tenant: string, tokens: number): void {
    this.#counters.set(
      tenant,
      Math.max(0, this.counter(tenant) + tokens / Math.max(1e-9, this.#weightOf(tenant))),
    );
  }
}
