/**
 * sim/engine — planning one step, in vLLM V1's order: running sequences first (a decode takes one
 * token of the budget, an unfinished prefill the next chunk), preempting the newest running
 * sequence when KV blocks run out; then, if nothing was preempted, waiting sequences while slots,
 * token budget and blocks last, each first claiming its cached prefix.
 */
import type { EngineConfig } from '../profiles.ts';
import type { KvCache } from './kv-cache.ts';
import type { Sequence } from './sequence.ts';
import { numTokens } from './sequence.ts';

/** A sequence in the step's batch and the tokens it computes in it. */
export interface Scheduled {
  seq: Sequence;
  numNew: number;
}

/** The engine's queues and the two state changes the planner asks of it. */
export interface SchedulerState {
  running: Sequence[];
  waiting: Sequence[];
  /** Frees a running sequence's blocks and puts it back at the head of the queue. */
  preempt(seq: Sequence): void;
  /** Frees the blocks a waiting sequence claimed but could not use. */
  release(seq: Sequence): void;
}

/** Plans the next step; moves admitted sequences from `waiting` to `running`. */
export function scheduleStep(config: EngineConfig, kv: KvCache, state: SchedulerState): Scheduled[] {
  const { running, waiting } = state;
  const batch: Scheduled[] = [];
  const bs = config.blockSize;
  let budget = config.maxNumBatchedTokens;
  let preempted = false;
  for (let i = 0; i < running.length && budget > 0; i++) {
    const seq = running[i]!;
    const numNew = Math.min(numTokens(seq) - seq.computedTokens, budget);
    if (numNew <= 0) continue;
    const need = Math.ceil((seq.computedTokens + numNew) / bs) - kv.heldBlocks(seq.table);
    while (!kv.canAllocate(need)) {
      // Victims come from the end: not yet scheduled in this step (or `seq` itself).
      const victim = running.pop()!;
      state.preempt(victim);
      preempted = true;
      if (victim === seq) break;
    }
    if (seq.state !== 'running') break;
    kv.allocate(seq.table, need);
    batch.push({ seq, numNew });
    budget -= numNew;
  }
  if (preempted) return batch;
  while (waiting.length > 0 && running.length < config.maxNumSeqs && budget > 0) {
    const seq = waiting[0]!;
    if (seq.computedTokens === 0 && kv.heldBlocks(seq.table) === 0) {
      const hit = kv.claimPrefix(seq.table, seq.spec.blockHashes, seq.spec.promptTokens);
      seq.computedTokens = hit;
      seq.cachedTokens = hit;
      seq.publishedBlocks = hit / bs;
    }
    const numNew = Math.min(numTokens(seq) - seq.computedTokens, budget);
    const need = Math.ceil((seq.computedTokens + numNew) / bs) - kv.heldBlocks(seq.table);
    if (!kv.allocate(seq.table, need)) {
      state.release(seq);
      break;
    }
    waiting.shift();
    seq.state = 'running';
    running.push(seq);
    batch.push({ seq, numNew });
    budget -= numNew;
  }
  return batch;
}
