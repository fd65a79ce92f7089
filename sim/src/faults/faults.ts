/**
 * sim/faults — fault injection for reliability tests. Every fault is off by default; each decision
 * is drawn from a seeded PRNG so a faulty run replays the same way.
 */
import { Prng } from '../text/hash.ts';

/** Faults to inject; all off when absent. Times are simulated milliseconds. */
export interface FaultOptions {
  /** `/health` answers 503 (and `/v1/*` refuses with 503) for this long after start: model loading. */
  loadDelayMs?: number;
  /** Fraction (0..1) of generation and embedding requests answered with a 500. */
  errorRate?: number;
  /** Probability (0..1) that an engine step stalls by `latencySpikeMs`, delaying every stream. */
  latencySpikeRate?: number;
  /** Length of one latency spike. Default 500 ms when `latencySpikeRate` is set. */
  latencySpikeMs?: number;
  /** The process "crashes" (every socket dropped, listener closed) when request N+1 arrives. */
  crashAfterRequests?: number;
  /** The process "crashes" this long after start. */
  crashAtMs?: number;
  /** Streams go silent after this many tokens and never end (the connection stays open). */
  hangAfterTokens?: number;
  /** Stop listening: new connections get ECONNREFUSED. */
  refuseConnections?: boolean;
}

const DEFAULT_SPIKE_MS = 500;

/** Keeps the active faults and draws their decisions. */
export class FaultController {
  #options: FaultOptions;
  readonly #prng: Prng;
  #requests = 0;

  constructor(options: FaultOptions = {}, seed = 0) {
    validateFaults(options);
    this.#options = { ...options };
    this.#prng = new Prng(seed ^ 0x5eed);
  }

  /** The active faults. */
  get options(): Readonly<FaultOptions> {
    return this.#options;
  }

  /** Replaces some faults at run time (tests switch faults on and off mid-run). */
  update(patch: FaultOptions): void {
    const next = { ...this.#options, ...patch };
    validateFaults(next);
    this.#options = next;
  }

  /** True while the simulated model is still loading. */
  isLoading(simNowMs: number): boolean {
    return (this.#options.loadDelayMs ?? 0) > simNowMs;
  }

  /** Counts an arriving request; true when it is the one that crashes the process. */
  countRequestAndCheckCrash(): boolean {
    this.#requests++;
    const limit = this.#options.crashAfterRequests;
    return limit !== undefined && this.#requests > limit;
  }

  /** True when this request should fail with a 500. */
  shouldFail(): boolean {
    const rate = this.#options.errorRate ?? 0;
    return rate > 0 && this.#prng.float() < rate;
  }

  /** Extra simulated ms for the next engine step (0 unless a spike is drawn). */
  extraStepMs(): number {
    const rate = this.#options.latencySpikeRate ?? 0;
    if (rate <= 0 || this.#prng.float() >= rate) return 0;
    return this.#options.latencySpikeMs ?? DEFAULT_SPIKE_MS;
  }

  /** Tokens after which streams hang, or Infinity. */
  get hangAfterTokens(): number {
    return this.#options.hangAfterTokens ?? Number.POSITIVE_INFINITY;
  }
}

/** Rejects out-of-range fault options with a message naming the option. */
export function validateFaults(f: FaultOptions): void {
  for (const key of ['errorRate', 'latencySpikeRate'] as const) {
    const v = f[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`faults.${key}: must be in [0, 1], got ${v}`);
  }
  for (const key of [
    'loadDelayMs',
    'latencySpikeMs',
    'crashAfterRequests',
    'crashAtMs',
    'hangAfterTokens',
  ] as const) {
    const v = f[key];
    if (v !== undefined && !(v >= 0)) throw new Error(`faults.${key}: must be >= 0, got ${v}`);
  }
}
