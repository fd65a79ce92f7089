/**
 * sim — the vLLM simulator's public surface: start replicas in-process, drive the engine model
 * directly with a virtual clock, and the profiles it is calibrated with.
 */
export type { Clock, ClockLag } from './engine/clock.ts';
export { RealClock, VirtualClock } from './engine/clock.ts';
export type { StepWork } from './engine/cost-model.ts';
export { decodeStepMs, stepCostMs } from './engine/cost-model.ts';
export type { EngineHooks, EngineStats } from './engine/engine.ts';
export { Engine } from './engine/engine.ts';
export { KvCache } from './engine/kv-cache.ts';
export type { FinishReason, Sequence, SequenceListener, SequenceSpec } from './engine/sequence.ts';
export type { ClosedLoopOptions, RequestLatency, WorkloadResult } from './engine/workload.ts';
export { runBurst, runClosedLoop } from './engine/workload.ts';
export type { FaultOptions } from './faults/faults.ts';
export { SIMULATED_VLLM_VERSION } from './http/info.ts';
export type { DecodeCurve, EngineConfig, ProfileName } from './profiles.ts';
export { isProfileName, PROFILE_NAMES, PROFILES, resolveEngineConfig } from './profiles.ts';
export type { RunningSimulator, SimulatorOptions } from './simulator.ts';
export { startSimulator } from './simulator.ts';
export { hashPromptBlocks } from './text/hash.ts';
export { encode, encodeChat, encodePrompt } from './text/tokenizer.ts';
