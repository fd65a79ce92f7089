/**
 * Curve tests: the mistral-7b-h100 profile against the published figures
 * (shared/reference/vllm-serving-figures.md), on a virtual clock so they run in milliseconds.
 *
 * Reference (Llama-3.1-8B fp16, one H100, vLLM 0.21, short chat prompts; closed loop):
 *   1 in flight: TPOT 6.5 ms, TTFT 14 ms, 122 tok/s · 4: 6.6 ms, 23 ms, 580 tok/s · 16: 10.9 ms, 42 ms, 1,384 tok/s.
 * Tolerances, and why:
 *   - TPOT at 1 and 4 within ±10 % of 6.5 / 6.6 ms: these are the flat part of the curve and well measured.
 *   - TPOT at 16 within ±20 % of 10.9 ms: the published figure mixes in prefill interference from
 *     a chat workload whose exact prompts are unknown.
 *   - TPOT at 64: no published point; the shape demands it rises clearly (≥ 1.3x TPOT at 16) while
 *     throughput still grows (≥ 1.5x the 16-stream throughput), and stays within the H100 band the
 *     Mistral-7B (27 ms at ~90 in flight) and MLPerf (~5.7k tok/s at large batch) figures bound.
 *   - Throughput within ±35 % of the published tok/s (their figure includes client-side overheads).
 *   - TTFT: rises with concurrency and with queueing; exact values are not matched (see docs/simulator.md).
 */
import { percentile } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { resolveEngineConfig } from '../profiles.ts';
import { mean, runBurst, runClosedLoop } from './workload.ts';

const config = resolveEngineConfig('mistral-7b-h100');
const chat = { promptTokens: 80, outputTokens: 200, durationMs: 20_000 };

describe('mistral-7b-h100 TPOT curve', () => {
  const runs = new Map([1, 4, 16, 64].map((users) => [users, runClosedLoop(config, { users, ...chat })]));
  const tpot = (users: number) => mean(runs.get(users)!.requests.map((r) => r.tpotMs));
  const tput = (users: number) => runs.get(users)!.outputTokensPerSecond;

  it.each([
    [1, 6.5, 0.1],
    [4, 6.6, 0.1],
    [16, 10.9, 0.2],
  ])('TPOT at %i streams is %f ms within ±%f', (users, refMs, tol) => {
    expect(tpot(users)).toBeGreaterThan(refMs * (1 - tol));
    expect(tpot(users)).toBeLessThan(refMs * (1 + tol));
  });

  it('is nearly flat up to the knee, then rises', () => {
    expect(tpot(4) / tpot(1)).toBeLessThan(1.1);
    expect(tpot(64)).toBeGreaterThan(tpot(16) * 1.3);
    expect(tpot(64)).toBeLessThan(27);
  });

  it.each([
    [1, 122],
    [4, 580],
    [16, 1384],
  ])('throughput at %i streams is near the published %i tok/s', (users, ref) => {
    expect(tput(users)).toBeGreaterThan(ref * 0.65);
    expect(tput(users)).toBeLessThan(ref * 1.35);
  });

  it('keeps gaining throughput with the batch', () => {
    expect(tput(64)).toBeGreaterThan(tput(16) * 1.5);
    expect(tput(64)).toBeLessThan(5_800);
  });

  it('TTFT grows with concurrency', () => {
    const ttft = (users: number) => mean(runs.get(users)!.requests.map((r) => r.ttftMs));
    expect(ttft(1)).toBeGreaterThan(8);
    expect(ttft(1)).toBeLessThan(20);
    expect(ttft(4)).toBeGreaterThan(ttft(1));
    expect(ttft(16)).toBeGreaterThan(ttft(4));
    expect(ttft(64)).toBeGreaterThan(ttft(16));
  });
});

describe('TTFT under a queue', () => {
  it('grows with the position in the queue once the running slots are full', () => {
    const burst = runBurst(config, { count: 3 * config.maxNumSeqs, promptTokens: 200, outputTokens: 64 });
    expect(burst.maxWaiting).toBeGreaterThanOrEqual(config.maxNumSeqs);
    const ttft = burst.requests.map((r) => r.ttftMs);
    const waves = [0, 1, 2].map((w) =>
      percentile(ttft.slice(w * config.maxNumSeqs, (w + 1) * config.maxNumSeqs), 0.5),
    );
    expect(waves[1]).toBeGreaterThan(waves[0]! * 3);
    expect(waves[2]).toBeGreaterThan(waves[1]! * 1.5);
    // Queue time, not prefill, is what grows.
    expect(mean(burst.requests.slice(-config.maxNumSeqs).map((r) => r.queueMs))).toBeGreaterThan(waves[0]!);
  });

  it('grows with the prompt length (prefill cost)', () => {
    const ttft = (promptTokens: number) =>
      runBurst(config, { count: 1, promptTokens, outputTokens: 4 }).requests[0]!.ttftMs;
    expect(ttft(8000)).toBeGreaterThan(ttft(100) * 10);
    // ~35k prefill tok/s on H100: 8k tokens of prompt cost roughly a quarter of a second.
    expect(ttft(8000)).toBeGreaterThan(150);
    expect(ttft(8000)).toBeLessThan(400);
  });
});

describe('llama3-8b-a100 (A100-40GB, 1024 in / 128 out)', () => {
  const a100 = resolveEngineConfig('llama3-8b-a100');
  const run = (users: number) =>
    runClosedLoop(a100, { users, promptTokens: 1024, outputTokens: 128, durationMs: 20_000 });

  it('decodes one request at about 75 tok/s (~13 ms TPOT, ±10 %)', () => {
    const tpot = mean(run(1).requests.map((r) => r.tpotMs));
    expect(tpot).toBeGreaterThan(13 * 0.9);
    expect(tpot).toBeLessThan(13 * 1.1);
  });

  // Closed loop, the 1024-token prefills of arriving requests interrupt the others' decoding, so
  // the throughput gain lands a little under the published 6.6x; tolerance 5-7.5x.
  it('gains about 6.6x throughput by 8 in flight', () => {
    const ratio = run(8).outputTokensPerSecond / run(1).outputTokensPerSecond;
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(7.5);
  });

  it('keeps decode TPOT almost flat to 8 in flight (at most +25 % once the prefills are done)', () => {
    const tpot = (count: number) =>
      mean(runBurst(a100, { count, promptTokens: 1024, outputTokens: 128 }).requests.map((r) => r.tpotMs));
    expect(tpot(8)).toBeLessThan(tpot(1) * 1.25);
  });
});
