/**
 * sim/engine — workload drivers for the engine on a virtual clock: closed-loop users and bursts,
 * returning per-request latencies. Used by the curve tests and the bench's curve section.
 */
import type { EngineConfig } from '../profiles.ts';
import { VirtualClock } from './clock.ts';
import { Engine } from './engine.ts';
import type { Sequence } from './sequence.ts';

/** Latencies of one finished request, in simulated ms. */
export interface RequestLatency {
  ttftMs: number;
  tpotMs: number;
  e2eMs: number;
  queueMs: number;
  outputTokens: number;
}

/** Result of a workload run. */
export interface WorkloadResult {
  requests: RequestLatency[];
  durationMs: number;
  outputTokensPerSecond: number;
  maxWaiting: number;
  engine: Engine;
}

function latency(seq: Sequence): RequestLatency {
  const t = seq.times;
  return {
    ttftMs: t.firstTokenMs - t.arrivalMs,
    tpotMs: seq.outputTokens > 1 ? (t.lastTokenMs - t.firstTokenMs) / (seq.outputTokens - 1) : 0,
    e2eMs: t.finishedMs - t.arrivalMs,
    queueMs: t.scheduledMs - t.queuedMs,
    outputTokens: seq.outputTokens,
  };
}

/** Unique block hashes for a prompt of `tokens` tokens (no prefix shared with any other). */
export function uniqueHashes(key: string, tokens: number, blockSize: number): string[] {
  return Array.from({ length: Math.floor(tokens / blockSize) }, (_, i) => `${key}/${i}`);
}

/** Options of a closed-loop run: `users` each send a request, and another as soon as it finishes. */
export interface ClosedLoopOptions {
  users: number;
  promptTokens: number;
  outputTokens: number;
  /** Simulated run length; users stop sending new requests after it. */
  durationMs: number;
  /** Users start this far apart, so they do not march in lockstep. */
  staggerMs?: number;
}

/**
 * One run: a fresh engine on a virtual clock, requests whose prompts share no prefix, and the deepest waiting
 * queue any token saw.
 */
class Run {
  readonly clock = new VirtualClock();
  readonly engine: Engine;
  readonly #blockSize: number;
  #maxWaiting = 0;

  constructor(config: EngineConfig) {
    this.engine = new Engine(config, this.clock);
    this.#blockSize = config.blockSize;
  }

  /** Submits request `id`; `done` gets its latencies when it finishes. */
  submit(id: number, promptTokens: number, outputTokens: number, done: (l: RequestLatency) => void): void {
    this.engine.submit(
      {
        id: String(id),
        promptTokens,
        blockHashes: uniqueHashes(String(id), promptTokens, this.#blockSize),
        maxTokens: outputTokens,
        reasonAtMax: 'length',
      },
      {
        onToken: () => {
          this.#maxWaiting = Math.max(this.#maxWaiting, this.engine.stats().waiting);
          return false;
        },
        onFinish: (seq) => done(latency(seq)),
      },
    );
  }

  /** Runs the clock until no timer is left (the clock throws past `limitMs`), then sums up. */
  finish(requests: RequestLatency[], limitMs: number): WorkloadResult {
    this.clock.runWhile(() => true, limitMs);
    const seconds = this.clock.now() / 1000;
    return {
      requests,
      durationMs: this.clock.now(),
      outputTokensPerSecond: this.engine.stats().generationTokens / seconds,
      maxWaiting: this.#maxWaiting,
      engine: this.engine,
    };
  }
}

/** Runs `users` closed-loop clients against a fresh engine. */
export function runClosedLoop(config: EngineConfig, o: ClosedLoopOptions): WorkloadResult {
  const run = new Run(config);
  const requests: RequestLatency[] = [];
  let next = 0;
  const send = () => {
    run.submit(next++, o.promptTokens, o.outputTokens, (l) => {
      requests.push(l);
      if (run.clock.now() < o.durationMs) send();
    });
  };
  for (let u = 0; u < o.users; u++) run.clock.setTimer(u * (o.staggerMs ?? 3), send);
  return run.finish(requests, o.durationMs * 100);
}

/** Submits `count` requests at once (a burst) and runs until all finish. */
export function runBurst(
  config: EngineConfig,
  o: { count: number; promptTokens: number; outputTokens: number },
): WorkloadResult {
  const run = new Run(config);
  const requests: RequestLatency[] = new Array(o.count);
  for (let i = 0; i < o.count; i++) {
    run.submit(i, o.promptTokens, o.outputTokens, (l) => {
      requests[i] = l;
    });
  }
  return run.finish(requests, 100_000_000);
}

/** Mean of a list. */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
