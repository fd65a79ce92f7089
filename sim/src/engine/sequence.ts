/**
 * sim/engine — one request as the scheduler sees it: how much of its prompt is computed, how many
 * tokens it has produced, the KV blocks it holds, and the simulated timestamps of its life.
 */
import type { BlockTable } from './kv-cache.ts';

/** Why a sequence left the engine (vLLM's `finished_reason` plus `abort`). */
export type FinishReason = 'stop' | 'length' | 'abort';

/** What a caller submits. */
export interface SequenceSpec {
  /** Request id (`chatcmpl-…`), used in spans and logs. */
  id: string;
  /** Prompt length in tokens. */
  promptTokens: number;
  /** Hashes of the prompt's full blocks, chained from the first token (see `hashPromptBlocks`). */
  blockHashes: readonly string[];
  /** Tokens to generate before finishing on its own. */
  maxTokens: number;
  /** Finish reason reported when `maxTokens` is reached: `length` for a cap, `stop` for a natural end. */
  reasonAtMax: 'stop' | 'length';
}

/** Callbacks from the engine; all run synchronously at the end of a step. */
export interface SequenceListener {
  /** Called once per produced token; return true to finish the sequence now (a stop string matched). */
  onToken(seq: Sequence): boolean;
  /** Called once when the sequence leaves the engine. */
  onFinish(seq: Sequence, reason: FinishReason): void;
}

/** Lifecycle timestamps in simulated ms (NaN until reached). */
export interface SequenceTimes {
  arrivalMs: number;
  queuedMs: number;
  scheduledMs: number;
  firstTokenMs: number;
  lastTokenMs: number;
  finishedMs: number;
}

/** A request inside the engine. */
export interface Sequence {
  readonly spec: SequenceSpec;
  readonly listener: SequenceListener;
  readonly times: SequenceTimes;
  state: 'frontend' | 'waiting' | 'running' | 'finished';
  /** Tokens whose KV is computed (prompt, then prompt plus output after a preemption). */
  computedTokens: number;
  /** Output tokens produced so far. */
  outputTokens: number;
  /** Prompt tokens served from the prefix cache at the last admission. */
  cachedTokens: number;
  /** Full prompt blocks already published to the prefix cache. */
  publishedBlocks: number;
  /** Times this sequence was preempted. */
  preemptions: number;
  table: BlockTable;
  finishReason: FinishReason | null;
}

/** Tokens the sequence holds: prompt plus output. One more than computed while decoding. */
export function numTokens(seq: Sequence): number {
  return seq.spec.promptTokens + seq.outputTokens;
}

/** A fresh sequence that arrived at `arrivalMs` and has not reached the scheduler yet. */
export function newSequence(
  spec: SequenceSpec,
  listener: SequenceListener,
  table: BlockTable,
  arrivalMs: number,
): Sequence {
  return {
    spec,
    listener,
    times: {
      arrivalMs,
      queuedMs: Number.NaN,
      scheduledMs: Number.NaN,
      firstTokenMs: Number.NaN,
      lastTokenMs: Number.NaN,
      finishedMs: Number.NaN,
    },
    state: 'frontend',
    computedTokens: 0,
    outputTokens: 0,
    cachedTokens: 0,
    publishedBlocks: 0,
    preemptions: 0,
    table,
    finishReason: null,
  };
}
