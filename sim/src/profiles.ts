/**
 * sim/ — engine profiles: one model on one GPU, with defaults taken from the published figures in
 * shared/reference/vllm-serving-figures.md (see docs/simulator.md for the derivation of each number).
 */

/** Decode step cost as a curve of (batch size, step milliseconds) points, interpolated linearly. */
export type DecodeCurve = readonly (readonly [batch: number, stepMs: number])[];

/** Every knob of the simulated engine; a profile gives them all, flags and config override any. */
export interface EngineConfig {
  /** Running slots (vLLM `--max-num-seqs`). */
  maxNumSeqs: number;
  /** Per-step token budget across decodes and prefill chunks (vLLM `--max-num-batched-tokens`). */
  maxNumBatchedTokens: number;
  /** Tokens per KV block (vLLM `--block-size`). */
  blockSize: number;
  /** KV-cache capacity in blocks (what vLLM logs as "# GPU blocks"). */
  numGpuBlocks: number;
  /** Context window, prompt plus completion (vLLM `--max-model-len`). */
  maxModelLen: number;
  /** Automatic prefix caching (vLLM `--enable-prefix-caching`, on by default in V1). */
  enablePrefixCaching: boolean;
  /** Decode step time by batch size; the knee is where the curve leaves the flat. */
  decodeCurve: DecodeCurve;
  /** Prefill cost per prompt token computed in a step, in milliseconds. */
  prefillMsPerToken: number;
  /** API-server overhead per request before it reaches the scheduler (tokenisation, templating). */
  frontendOverheadMs: number;
  /** Embedding dimension returned by `/v1/embeddings`. */
  embeddingDim: number;
  /** Output length when the request sets no `max_tokens`: drawn per request in [min, max]. */
  naturalOutputTokens: readonly [min: number, max: number];
}

/** Names of the built-in profiles. */
export const PROFILE_NAMES = ['mistral-7b-h100', 'llama3-8b-a100'] as const;
/** A built-in profile name. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** KV bytes per token for a 32-layer, 8-KV-head, 128-dim model in fp16: 32*8*128*2*2 = 128 KiB. */
const KV_BYTES_PER_TOKEN_8B = 32 * 8 * 128 * 2 * 2;

/** Blocks that fit in `kvGiB` of KV memory at 16 tokens per block. */
function blocksFor(kvGiB: number, blockSize = 16): number {
  return Math.floor((kvGiB * 2 ** 30) / (KV_BYTES_PER_TOKEN_8B * blockSize));
}

/** The built-in profiles (read-only; copy before changing). */
export const PROFILES: Readonly<Record<ProfileName, Readonly<EngineConfig>>> = {
  // H100 80 GB, gpu_memory_utilization 0.9: 72 GiB - 14.5 GiB weights - ~3.5 GiB activations = 54 GiB KV.
  'mistral-7b-h100': {
    maxNumSeqs: 256,
    maxNumBatchedTokens: 8192,
    blockSize: 16,
    numGpuBlocks: blocksFor(54),
    maxModelLen: 32768,
    enablePrefixCaching: true,
    decodeCurve: [
      [1, 6.5],
      [4, 6.6],
      [8, 7.0],
      [16, 10.3],
      [64, 16],
      [256, 45],
    ],
    prefillMsPerToken: 1000 / 35_000,
    frontendOverheadMs: 4,
    embeddingDim: 4096,
    naturalOutputTokens: [16, 256],
  },
  // A100 40 GB, gpu_memory_utilization 0.9: 36 GiB - 15 GiB weights - ~3 GiB activations = 18 GiB KV.
  'llama3-8b-a100': {
    maxNumSeqs: 256,
    maxNumBatchedTokens: 2048,
    blockSize: 16,
    numGpuBlocks: blocksFor(18),
    maxModelLen: 8192,
    enablePrefixCaching: true,
    decodeCurve: [
      [1, 13],
      [8, 14.5],
      [16, 19],
      [64, 34],
      [256, 110],
    ],
    prefillMsPerToken: 1000 / 11_500,
    frontendOverheadMs: 6,
    embeddingDim: 4096,
    naturalOutputTokens: [16, 256],
  },
};

/** True when `name` is a built-in profile. */
export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** The profile's config with `overrides` applied; throws naming the profile when it is unknown. */
export function resolveEngineConfig(profile: string, overrides: Partial<EngineConfig> = {}): EngineConfig {
  if (!isProfileName(profile)) {
    throw new Error(`profile: unknown profile '${profile}' (known: ${PROFILE_NAMES.join(', ')})`);
  }
  const merged: EngineConfig = { ...PROFILES[profile], ...stripUndefined(overrides) };
  validateEngineConfig(merged);
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Rejects impossible configurations with a message naming the option. */
export function validateEngineConfig(c: EngineConfig): void {
  const positiveInts: (keyof EngineConfig)[] = [
    'maxNumSeqs',
    'maxNumBatchedTokens',
    'blockSize',
    'numGpuBlocks',
    'maxModelLen',
    'embeddingDim',
  ];
  for (const key of positiveInts) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`engine.${key}: must be a positive integer, got ${String(v)}`);
    }
  }
  if (!(c.prefillMsPerToken >= 0)) throw new Error('engine.prefillMsPerToken: must be >= 0');
  if (!(c.frontendOverheadMs >= 0)) throw new Error('engine.frontendOverheadMs: must be >= 0');
  if (c.decodeCurve.length === 0) throw new Error('engine.decodeCurve: needs at least one point');
  if (Math.ceil(c.maxModelLen / c.blockSize) > c.numGpuBlocks) {
    throw new Error(
      `engine.maxModelLen: ${c.maxModelLen} tokens need more KV blocks than numGpuBlocks (${c.numGpuBlocks})`,
    );
  }
  const [lo, hi] = c.naturalOutputTokens;
  if (!(lo >= 1 && hi >= lo)) throw new Error('engine.naturalOutputTokens: needs 1 <= min <= max');
}
