/**
 * sim/engine — the step cost model: how long one forward pass of the simulated GPU takes.
 *
 * Decode is memory-bound, so a step costs nearly the same for 1 or 8 sequences and rises once the
 * batch passes the knee; prefill is compute-bound, so it costs in proportion to the prompt tokens the
 * step processes. A mixed step (chunked prefill) pays both.
 */
import type { DecodeCurve, EngineConfig } from '../profiles.ts';

/** Decode step milliseconds for `batch` sequences: linear between curve points, extrapolated past the ends. */
export function decodeStepMs(curve: DecodeCurve, batch: number): number {
  if (batch <= 0) return 0;
  const first = curve[0]!;
  if (curve.length === 1 || batch <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [b1, t1] = curve[i]!;
    if (batch <= b1 || i === curve.length - 1) {
      const [b0, t0] = curve[i - 1]!;
      return t0 + ((t1 - t0) * (batch - b0)) / (b1 - b0);
    }
  }
  return first[1];
}

/** What one step computes: sequences in the batch and prompt tokens prefilled. */
export interface StepWork {
  /** Sequences in the batch (decoding or prefilling). */
  numSeqs: number;
  /** Prompt tokens computed in this step, across all prefill chunks. */
  prefillTokens: number;
}

/** Milliseconds of simulated GPU time for one step. */
export function stepCostMs(config: EngineConfig, work: StepWork): number {
  if (work.numSeqs === 0) return 0;
  return decodeStepMs(config.decodeCurve, work.numSeqs) + work.prefillTokens * config.prefillMsPerToken;
}
