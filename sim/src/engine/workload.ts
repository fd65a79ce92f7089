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

/** Runs `users` closed-loop clients against a fresh engine. */
export function runClosedLoop(config: EngineConfig, o: ClosedLoopOptions): WorkloadResult {
  const clock = new VirtualClock();
  const engine = new Engine(config, clock);
  const requests: RequestLatency[] = [];
  let next = 0;
  let maxWaiting = 0;
  const send = () => {
    const id = next++;
    engine.submit(
      {
        id: String(id),
        promptTokens: o.promptTokens,
        blockHashes: uniqueHashes(String(id), o.promptTokens, config.blockSize),
        maxTokens: o.outputTokens,
        reasonAtMax: 'length',
      },
      {
        onToken: () => {
          maxWaiting = Math.max(maxWaiting, engine.stats().waiting);
          return false;
        },
        onFinish: (seq) => {
          requests.push(latency(seq));
          if (clock.now() < o.durationMs) send();
        },
      },
    );
  };
  for (let u = 0; u < o.users; u++) clock.setTimer(u * (o.staggerMs ?? 3), send);
  clock.runWhile(() => true, o.durationMs * 100);
  const tokens = engine.stats().generationTokens;
  return {
    requests,
    durationMs: clock.now(),
    outputTokensPerSecond: tokens / (clock.now() / 1000),
    maxWaiting,
    engine,
  };
}

/** Submits `count` requests at once (a burst) and runs until all finish. */
export function runBurst(
  config: EngineConfig,
  o: { count: number; promptTokens: number; outputTokens: number },
): WorkloadResult {
  const clock = new VirtualClock();
  const engine = new Engine(config, clock);
  const requests: RequestLatency[] = new Array(o.count);
  let maxWaiting = 0;
  for (let i = 0; i < o.count; i++) {
    engine.submit(
      {
        id: String(i),
        promptTokens: o.promptTokens,
        blockHashes: uniqueHashes(String(i), o.promptTokens, config.blockSize),
        maxTokens: o.outputTokens,
        reasonAtMax: 'length',
      },
      {
        onToken: () => {
          maxWaiting = Math.max(maxWaiting, engine.stats().waiting);
          return false;
        },
        onFinish: (seq) => {
          requests[i] = latency(seq);
        },
      },
    );
  }
  clock.runWhile(() => true, 100_000_000);
  const tokens = engine.stats().generationTokens;
  return {
    requests,
    durationMs: clock.now(),
    outputTokensPerSecond: tokens / (clock.now() / 1000),
    maxWaiting,
    engine,
  };
}

/** Mean of a list. */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}
