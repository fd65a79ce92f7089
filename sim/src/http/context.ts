/**
 * sim/http — what every handler shares: the served model, the engine, the clock, metrics, tracing
 * and faults of one simulator instance.
 */
import type { Clock } from '../engine/clock.ts';
import type { Engine } from '../engine/engine.ts';
import type { FaultController } from '../faults/faults.ts';
import type { SimMetrics } from '../observability/metrics.ts';
import type { RequestTracer } from '../observability/tracing.ts';
import type { EngineConfig } from '../profiles.ts';
import { SimHttpError } from './respond.ts';

/** State shared by the handlers of one simulator. */
export interface SimContext {
  /** Names requests may use in `model`; the first is reported in responses. */
  readonly servedModelNames: readonly string[];
  /** The model path vLLM was started with (`root` in `/v1/models`). */
  readonly modelPath: string;
  readonly config: EngineConfig;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly metrics: SimMetrics;
  readonly tracer: RequestTracer | null;
  readonly faults: FaultController;
  /** Report `prompt_tokens_details.cached_tokens` (vLLM `--enable-prompt-tokens-details`). */
  readonly promptTokensDetails: boolean;
  /** Epoch seconds when the simulator started (`created` in `/v1/models`). */
  readonly startedAtSec: number;
  /** Seeds for requests that give none, drawn from the simulator's own seed. */
  nextSeed(): number;
}

/** The name responses report for a request's `model`; 404 as vLLM when it is not served. */
export function resolveModel(ctx: SimContext, model: string | undefined): string {
  if (model === undefined || ctx.servedModelNames.includes(model)) return model ?? ctx.servedModelNames[0]!;
  throw new SimHttpError(404, `The model \`${model}\` does not exist.`, 'model');
}
