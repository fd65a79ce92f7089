/**
 * Leader election with a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews every
 * retry period; a candidate takes the Lease only after it went unrenewed for its whole duration; a
 * leader that cannot renew within the renew deadline stops leading (and the process exits, so two
 * replicas never act at once). A clean shutdown releases the Lease so a standby takes over at once.
 */
import { isConflict, isNotFound, type KubeApi } from '../k8s/kube-api.ts';
import { type KubeObject, Resources } from '../k8s/objects.ts';

/** Options of {@link LeaderElector}; every default is written here. */
export interface LeaderElectionOptions {
  kube: KubeApi;
  namespace: string;
  name: string;
  identity: string;
  /** How long a Lease stays valid without renewal (default 15 s). */
  leaseDurationSeconds?: number;
  /** A leader that has not renewed for this long gives up (default 10 s). */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void;
  now?: () => Date;
}

interface Lease extends KubeObject {
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** RFC 3339 with microseconds, the MicroTime format the API server parses. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Runs the election loop until stopped. */
export class LeaderElector {
  #o: Required<Omit<LeaderElectionOptions, 'now'>> & { now: () => Date };
  #leading = false;
  #lastRenew = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: LeaderElectionOptions) {
    this.#o = {
      leaseDurationSeconds: 15,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      now: () => new Date(),
      ...options,
    };
    if (this.#o.renewDeadlineMs >= this.#o.leaseDurationSeconds * 1000) {
      throw new Error('LeaderElector: renewDeadlineMs must be shorter than leaseDurationSeconds');
    }
  }

  /** True while this replica holds the Lease. */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** Starts trying to acquire (first attempt runs now). */
  start(): void {
    void this.#tick();
  }

  /** Stops; a leader releases the Lease so a standby need not wait for it to expire. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#leading) return;
    this.#leading = false;
    const ref = { ...Resources.leases, namespace: this.#o.namespace, name: this.#o.name };
    const lease = await this.#o.kube.get<Lease>(ref).catch(() => undefined);
    if (lease?.spec.holderIdentity === this.#o.identity) {
      await this.#o.kube
        .replace(ref, {
          ...lease,
          spec: { ...lease.spec, holderIdentity: null, renewTime: microTime(new Date(0)) },
        })
        .catch(() => {});
    }
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    let held = false;
    try {
      held = await this.#tryAcquireOrRenew();
    } catch {
      held = false;
    }
    if (this.#stopped) return;
    const now = this.#o.now().getTime();
    if (held) {
      this.#lastRenew = now;
      if (!this.#leading) {
        this.#leading = true;
        await this.#o.onStartedLeading();
      }
    } else if (this.#leading && now - this.#lastRenew > this.#o.renewDeadlineMs) {
      this.#leading = false;
      this.#o.onStoppedLeading();
    }
    this.#timer = setTimeout(() => void this.#tick(), this.#o.retryPeriodMs);
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { kube, namespace, name, identity, leaseDurationSeconds } = this.#o;
    const ref = { ...Resources.leases, namespace, name };
    const now = this.#o.now();
    const lease = await kube.get<Lease>(ref);
    if (!lease) {
      try {
        await kube.create(ref, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: 0,
          },
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const renewedAt = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const duration = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    const mine = spec.holderIdentity === identity;
    if (!mine && spec.holderIdentity && renewedAt + duration > now.getTime()) return false;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        renewTime: microTime(now),
        ...(mine ? {} : { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    try {
      await kube.replace(ref, next);
      return true;
    } catch (error) {
      if (isConflict(error) || isNotFound(error)) return false;
      throw error;
    }
  }
}
