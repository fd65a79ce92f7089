/**
 * sim/engine — the continuous-batching engine in simulated time (vLLM V1's shape): one step at a
 * time, planned by `scheduleStep`, timed by the cost model, its tokens delivered when it ends.
 * Sequences that finish or abort give their slot and KV blocks back at once.
 */
import type { EngineConfig } from '../profiles.ts';
import type { Clock } from './clock.ts';
import { stepCostMs } from './cost-model.ts';
import { KvCache } from './kv-cache.ts';
import type { Scheduled, SchedulerState } from './scheduler.ts';
import { scheduleStep } from './scheduler.ts';
import type { FinishReason, Sequence, SequenceListener, SequenceSpec } from './sequence.ts';
import { newSequence, numTokens } from './sequence.ts';

/** Live engine counters, read by `/metrics` and tests. */
export interface EngineStats {
  running: number;
  waiting: number;
  kvUsage: number;
  usedBlocks: number;
  steps: number;
  /** Simulated ms the engine spent in steps (busy time). */
  busyMs: number;
  preemptions: number;
  promptTokens: number;
  generationTokens: number;
  prefixQueriedTokens: number;
  prefixHitTokens: number;
  finished: Record<FinishReason, number>;
}

/** Hooks for the shell: fault injection and per-step observation. */
export interface EngineHooks {
  /** Extra simulated ms added to a step (latency spikes). */
  extraStepMs?: () => number;
  /** Called after each step with its batch size and scheduled tokens. */
  onStep?: (info: { numSeqs: number; tokens: number; durationMs: number }) => void;
}

/** The engine of one simulated replica. */
export class Engine {
  readonly config: EngineConfig;
  readonly kv: KvCache;
  readonly #clock: Clock;
  readonly #hooks: EngineHooks;
  readonly #waiting: Sequence[] = [];
  readonly #running: Sequence[] = [];
  readonly #queues: SchedulerState = {
    running: this.#running,
    waiting: this.#waiting,
    preempt: (seq) => this.#preempt(seq),
    release: (seq) => this.#release(seq),
  };
  #stepInFlight = false;
  #stopped = false;
  #cancelTimer: (() => void) | null = null;
  #lastStepEndMs = Number.NEGATIVE_INFINITY;
  #counters = { steps: 0, busyMs: 0, preemptions: 0, promptTokens: 0, generationTokens: 0 };
  #finished: Record<FinishReason, number> = { stop: 0, length: 0, abort: 0 };

  constructor(config: EngineConfig, clock: Clock, hooks: EngineHooks = {}) {
    this.config = config;
    this.#clock = clock;
    this.#hooks = hooks;
    this.kv = new KvCache(config.numGpuBlocks, config.blockSize, config.enablePrefixCaching);
  }

  /** Accepts a request; it reaches the scheduler after the frontend overhead. */
  submit(spec: SequenceSpec, listener: SequenceListener): Sequence {
    const now = this.#clock.now();
    const seq = newSequence(spec, listener, this.kv.newTable(), now);
    const enqueue = () => {
      if (seq.state !== 'frontend' || this.#stopped) return;
      seq.state = 'waiting';
      seq.times.queuedMs = this.#clock.now();
      this.#waiting.push(seq);
      this.#kick();
    };
    if (this.config.frontendOverheadMs > 0)
      this.#clock.setTimer(now + this.config.frontendOverheadMs, enqueue);
    else enqueue();
    return seq;
  }

  /** Aborts a sequence (client disconnect): its slot and blocks are freed at once. */
  abort(seq: Sequence): void {
    if (seq.state === 'finished') return;
    if (seq.state === 'waiting') this.#waiting.splice(this.#waiting.indexOf(seq), 1);
    if (seq.state === 'running') this.#running.splice(this.#running.indexOf(seq), 1);
    this.#finish(seq, 'abort');
  }

  /** Current counters. */
  stats(): EngineStats {
    return {
      running: this.#running.length,
      waiting: this.#waiting.length,
      kvUsage: this.kv.usage,
      usedBlocks: this.kv.usedBlocks,
      ...this.#counters,
      prefixQueriedTokens: this.kv.stats.queriedTokens,
      prefixHitTokens: this.kv.stats.hitTokens,
      finished: { ...this.#finished },
    };
  }

  /** Stops stepping and aborts everything (shutdown or crash). */
  stop(): void {
    this.#stopped = true;
    this.#cancelTimer?.();
    for (const seq of [...this.#running, ...this.#waiting]) this.abort(seq);
  }

  /**
   * Starts the next step if there is work. A step that follows another starts exactly where the
   * last one ended (`chained`), so a timer that fires late does not stretch simulated time: the
   * engine catches up instead, and any lasting lag shows as the clock falling behind.
   */
  #kick(chained = false): void {
    if (this.#stepInFlight || this.#stopped) return;
    if (this.#running.length === 0 && this.#waiting.length === 0) return;
    const batch = scheduleStep(this.config, this.kv, this.#queues);
    if (batch.length === 0) return;
    let startMs = chained ? this.#lastStepEndMs : Math.max(this.#clock.now(), this.#lastStepEndMs);
    let prefillTokens = 0;
    let tokens = 0;
    for (const { seq, numNew } of batch) {
      tokens += numNew;
      if (numNew > 1) prefillTokens += numNew;
      // Catching up never reaches back before a sequence joined the queue: a step that admits it starts
      // after it arrived, so its queue time, TTFT and e2e latency are never negative.
      if (Number.isNaN(seq.times.scheduledMs) && seq.times.queuedMs > startMs) startMs = seq.times.queuedMs;
    }
    const extra = this.#hooks.extraStepMs?.() ?? 0;
    const durationMs = stepCostMs(this.config, { numSeqs: batch.length, prefillTokens }) + extra;
    const endMs = startMs + durationMs;
    for (const { seq } of batch) if (Number.isNaN(seq.times.scheduledMs)) seq.times.scheduledMs = startMs;
    this.#stepInFlight = true;
    this.#cancelTimer = this.#clock.setTimer(endMs, () => {
      this.#cancelTimer = null;
      this.#stepInFlight = false;
      this.#lastStepEndMs = endMs;
      this.#counters.steps++;
      this.#counters.busyMs += durationMs;
      this.#complete(batch, endMs);
      this.#hooks.onStep?.({ numSeqs: batch.length, tokens, durationMs });
      this.#kick(true);
    });
  }

  #complete(batch: Scheduled[], endMs: number): void {
    const bs = this.config.blockSize;
    for (const { seq, numNew } of batch) {
      if (seq.state !== 'running') continue; // aborted or preempted while the step ran
      seq.computedTokens += numNew;
      const fullBlocks = Math.min(seq.spec.blockHashes.length, Math.floor(seq.computedTokens / bs));
      while (seq.publishedBlocks < fullBlocks)
        this.kv.publish(seq.table, seq.spec.blockHashes[seq.publishedBlocks++]!);
      if (seq.computedTokens < numTokens(seq)) continue; // prefill chunk, no token yet
      // The first token ever: a sequence preempted before it produced one still gets its TTFT here, once.
      if (Number.isNaN(seq.times.firstTokenMs)) {
        seq.times.firstTokenMs = endMs;
        this.#counters.promptTokens += seq.spec.promptTokens;
      }
      seq.outputTokens++;
      seq.times.lastTokenMs = endMs;
      this.#counters.generationTokens++;
      const stop = seq.listener.onToken(seq);
      if (seq.state !== 'running') continue; // the listener aborted it
      if (stop || seq.outputTokens >= seq.spec.maxTokens) {
        this.#running.splice(this.#running.indexOf(seq), 1);
        this.#finish(seq, stop ? 'stop' : seq.spec.reasonAtMax, endMs);
      }
    }
  }

  #preempt(seq: Sequence): void {
    this.#release(seq);
    seq.state = 'waiting';
    seq.preemptions++;
    this.#counters.preemptions++;
    this.#waiting.unshift(seq);
  }

  #release(seq: Sequence): void {
    this.kv.free(seq.table);
    seq.computedTokens = 0;
    seq.publishedBlocks = 0;
  }

  #finish(seq: Sequence, reason: FinishReason, atMs = this.#clock.now()): void {
    this.#release(seq);
    seq.state = 'finished';
    seq.finishReason = reason;
    seq.times.finishedMs = atMs;
    this.#finished[reason]++;
    seq.listener.onFinish(seq, reason);
  }
}
