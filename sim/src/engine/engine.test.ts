import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '../profiles.ts';
import { resolveEngineConfig } from '../profiles.ts';
import { type Clock, VirtualClock } from './clock.ts';
import { decodeStepMs } from './cost-model.ts';
import { Engine } from './engine.ts';
import type { Sequence, SequenceSpec } from './sequence.ts';
import { uniqueHashes } from './workload.ts';

function setup(overrides: Partial<EngineConfig> = {}) {
  const config = resolveEngineConfig('mistral-7b-h100', { frontendOverheadMs: 0, ...overrides });
  const clock = new VirtualClock();
  const engine = new Engine(config, clock);
  const finished: Sequence[] = [];
  const submit = (spec: Partial<SequenceSpec> & { id: string }) =>
    engine.submit(
      {
        promptTokens: 64,
        blockHashes: uniqueHashes(spec.id, spec.promptTokens ?? 64, config.blockSize),
        maxTokens: 10,
        reasonAtMax: 'length',
        ...spec,
      },
      { onToken: () => false, onFinish: (s) => finished.push(s) },
    );
  return { config, clock, engine, finished, submit };
}

describe('Engine scheduling', () => {
  it('runs at most max_num_seqs sequences and queues the rest', () => {
    const { engine, clock, submit, finished } = setup({ maxNumSeqs: 4 });
    for (let i = 0; i < 10; i++) submit({ id: `r${i}` });
    clock.advance(20); // the first arrival runs alone; the rest join at the next step

    expect(engine.stats()).toMatchObject({ running: 4, waiting: 6 });
    clock.runWhile(() => finished.length < 10);
    expect(finished.map((s) => s.finishReason)).toEqual(Array(10).fill('length'));
    expect(engine.stats()).toMatchObject({ running: 0, waiting: 0, usedBlocks: 0 });
  });

  it('produces exactly max_tokens tokens, one per step after the prefill step', () => {
    const { clock, submit, finished, config } = setup();
    submit({ id: 'a', maxTokens: 5 });
    clock.runWhile(() => finished.length < 1);
    const seq = finished[0]!;
    expect(seq.outputTokens).toBe(5);
    const step = decodeStepMs(config.decodeCurve, 1);
    expect(seq.times.lastTokenMs - seq.times.firstTokenMs).toBeCloseTo(4 * step, 6);
  });

  it('splits a long prompt into chunks of the per-step token budget', () => {
    const { clock, submit, finished, engine } = setup({ maxNumBatchedTokens: 512 });
    submit({ id: 'long', promptTokens: 2000, maxTokens: 1 });
    clock.runWhile(() => finished.length < 1);
    expect(engine.stats().steps).toBe(4); // 512 + 512 + 512 + 464
  });

  it('times the first token of a sequence preempted before it produced one', () => {
    // A decodes and grows while B is still in chunked prefill; the cache runs out and B, the newest, is preempted.
    const { clock, submit, finished, engine } = setup({
      numGpuBlocks: 30,
      maxModelLen: 480,
      maxNumBatchedTokens: 32,
    });
    const a = submit({ id: 'a', promptTokens: 16, maxTokens: 460 });
    clock.runWhile(() => a.outputTokens < 190);
    const b = submit({ id: 'b', promptTokens: 300, maxTokens: 5 });
    let preemptedBeforeFirstToken = false;
    clock.runWhile(() => {
      if (b.preemptions > 0 && b.outputTokens === 0) preemptedBeforeFirstToken = true;
      return finished.length < 2;
    });
    expect(preemptedBeforeFirstToken).toBe(true);
    expect(engine.stats().preemptions).toBeGreaterThan(0);
    for (const seq of finished) {
      expect(Number.isFinite(seq.times.firstTokenMs), seq.spec.id).toBe(true);
      expect(seq.times.firstTokenMs).toBeGreaterThanOrEqual(seq.times.arrivalMs);
    }
  });

  it('preempts the newest running sequence when the KV cache runs out, and finishes it later', () => {
    // 40 blocks of 16 tokens; each request grows to 64 + 200 tokens = 17 blocks, so three cannot coexist.
    const { clock, submit, finished, engine } = setup({ numGpuBlocks: 40, maxModelLen: 512 });
    for (let i = 0; i < 3; i++) submit({ id: `p${i}`, maxTokens: 200 });
    clock.runWhile(() => finished.length < 3);
    expect(engine.stats().preemptions).toBeGreaterThan(0);
    expect(finished.every((s) => s.outputTokens === 200)).toBe(true);
    expect(finished.find((s) => s.spec.id === 'p2')!.preemptions).toBeGreaterThan(0);
    expect(engine.stats().usedBlocks).toBe(0);
  });
});

describe('Engine abort (client disconnect)', () => {
  it('frees the slot and the KV blocks within one step', () => {
    const { clock, submit, engine, finished } = setup();
    const seq = submit({ id: 'gone', promptTokens: 1000, maxTokens: 1000 });
    submit({ id: 'stays', maxTokens: 1000 });
    clock.advance(50);
    const before = engine.stats();
    expect(before.running).toBe(2);
    engine.abort(seq);
    const after = engine.stats();
    expect(after.running).toBe(1);
    expect(after.kvUsage).toBeLessThan(before.kvUsage);
    expect(finished.map((s) => [s.spec.id, s.finishReason])).toEqual([['gone', 'abort']]);
    const tokens = seq.outputTokens;
    clock.advance(100);
    expect(seq.outputTokens).toBe(tokens);
  });
});

describe('Engine prefix caching', () => {
  it('skips the prefill of cached blocks: a repeated long prompt has a much shorter TTFT', () => {
    const { clock, submit, finished, engine } = setup();
    const shared = uniqueHashes('doc', 6000, 16);
    submit({ id: 'first', promptTokens: 6000, blockHashes: shared, maxTokens: 2 });
    clock.runWhile(() => finished.length < 1);
    submit({ id: 'second', promptTokens: 6000, blockHashes: shared, maxTokens: 2 });
    clock.runWhile(() => finished.length < 2);
    const ttft = finished.map((s) => s.times.firstTokenMs - s.times.arrivalMs);
    expect(ttft[1]).toBeLessThan(ttft[0]! / 5);
    expect(finished[1]!.cachedTokens).toBe(5984);
    expect(engine.stats().prefixHitTokens).toBe(5984);
  });

  it('does nothing when prefix caching is off', () => {
    const { clock, submit, finished } = setup({ enablePrefixCaching: false });
    const shared = uniqueHashes('doc', 3000, 16);
    submit({ id: 'a', promptTokens: 3000, blockHashes: shared, maxTokens: 2 });
    clock.runWhile(() => finished.length < 1);
    submit({ id: 'b', promptTokens: 3000, blockHashes: shared, maxTokens: 2 });
    clock.runWhile(() => finished.length < 2);
    expect(finished[1]!.cachedTokens).toBe(0);
  });
});

/** A clock whose one timer fires only when told, at whatever time the test says: a late (lagging) timer. */
class LateClock implements Clock {
  nowMs = 0;
  pending: { atMs: number; fn: () => void } | undefined;
  now(): number {
    return this.nowMs;
  }
  setTimer(atMs: number, fn: () => void): () => void {
    this.pending = { atMs, fn };
    return () => {
      this.pending = undefined;
    };
  }
  /** Fires the pending timer at `nowMs` (later than it was due). */
  fireAt(nowMs: number): void {
    const timer = this.pending!;
    this.pending = undefined;
    this.nowMs = nowMs;
    timer.fn();
  }
}

describe('Engine under a lagging clock', () => {
  it('never times a token before its request arrived when the engine catches up after a late timer', () => {
    const config = resolveEngineConfig('mistral-7b-h100', { frontendOverheadMs: 0 });
    const clock = new LateClock();
    const engine = new Engine(config, clock);
    const listener = { onToken: () => false, onFinish: () => {} };
    const spec = (id: string) => ({
      id,
      promptTokens: 64,
      blockHashes: uniqueHashes(id, 64, config.blockSize),
      maxTokens: 3,
      reasonAtMax: 'length' as const,
    });
    engine.submit(spec('early'), listener);
    const firstStepEnd = clock.pending!.atMs;
    // The event loop was busy: 200 ms pass before the step's timer fires, and a request arrives meanwhile.
    clock.nowMs = firstStepEnd + 150;
    const late = engine.submit(spec('late'), listener);
    clock.fireAt(firstStepEnd + 200);
    while (late.state !== 'finished' && clock.pending)
      clock.fireAt(Math.max(clock.nowMs, clock.pending.atMs));
    const t = late.times;
    expect(late.state).toBe('finished');
    expect(t.scheduledMs).toBeGreaterThanOrEqual(t.queuedMs);
    expect(t.firstTokenMs).toBeGreaterThan(t.arrivalMs);
    expect(t.finishedMs).toBeGreaterThan(t.firstTokenMs);
  });
});
