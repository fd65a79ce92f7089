/**
 * sim — command-line parsing into `SimulatorOptions`, with vLLM's flag names so a manifest written
 * for `vllm serve` starts the simulator unchanged. Flags vLLM has that the simulator does not model
 * (`--gpu-memory-utilization`, `--dtype`, ...) are accepted and ignored.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { FaultOptions } from './faults/faults.ts';
import type { DecodeCurve, EngineConfig } from './profiles.ts';
import { PROFILE_NAMES } from './profiles.ts';
import type { SimulatorOptions } from './simulator.ts';

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('not an integer');
  return n;
}

function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
}

/** Parses `1:6.5,4:6.6,16:9.5` into a decode curve. */
export function parseDecodeCurve(value: string): DecodeCurve {
  return value.split(',').map((pair) => {
    const [b, ms] = pair.split(':').map(Number);
    if (!(b! > 0 && ms! > 0)) throw new InvalidArgumentError(`bad point '${pair}' (want batch:ms)`);
    return [b!, ms!] as const;
  });
}

/**
 * Parses argv (without node and script) into simulator options; throws on bad flags. The default
 * host is loopback, except inside a Kubernetes pod (`KUBERNETES_SERVICE_HOST` set), where it is
 * every interface as vLLM's is, so a manifest written for vLLM without `--host` still works.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SimulatorOptions {
  const defaultHost = env.KUBERNETES_SERVICE_HOST ? '0.0.0.0' : '127.0.0.1';
  const program = new Command('switchyard-sim')
    .description('A vLLM simulator: OpenAI-compatible API, continuous-batching engine model, vLLM metrics')
    .argument('[model...]', 'model to "serve", as in `vllm serve <model>` (a leading `serve` is skipped)')
    .option('--model <path>', 'model to "serve" (the api_server form: --model <path>)')
    .option('--served-model-name <names...>', 'name(s) the model is served under')
    .option(
      '--host <host>',
      'interface to listen on (default loopback; all interfaces in a pod)',
      defaultHost,
    )
    .option('--port <port>', 'port (0: any free port)', int, 8000)
    .option('--profile <name>', `engine profile (${PROFILE_NAMES.join(', ')})`, 'mistral-7b-h100')
    .option('--time-scale <x>', 'simulated seconds per wall second', num, 1)
    .option('--seed <n>', 'seed for unseeded requests and fault draws', int, 0)
    .option('--config <file>', 'JSON file with SimulatorOptions fields (flags win)')
    .option('--max-num-seqs <n>', 'running slots', int)
    .option('--max-model-len <n>', 'context window in tokens', int)
    .option('--block-size <n>', 'tokens per KV block', int)
    .option('--max-num-batched-tokens <n>', 'token budget per step', int)
    .option('--num-gpu-blocks-override <n>', 'KV-cache capacity in blocks', int)
    .option('--enable-prefix-caching', 'automatic prefix caching (default on)')
    .option('--no-enable-prefix-caching', 'turn prefix caching off')
    .option('--enable-prompt-tokens-details', 'report cached prompt tokens in usage')
    .option('--decode-curve <points>', 'decode step ms by batch, e.g. 1:6.5,16:9.5,256:45', parseDecodeCurve)
    .option('--prefill-ms-per-token <ms>', 'prefill cost per prompt token', num)
    .option('--frontend-overhead-ms <ms>', 'API-server overhead per request', num)
    .option('--otlp-traces-endpoint <url>', 'OTLP/HTTP traces endpoint (e.g. http://127.0.0.1:4318)')
    .option('--fault-load-delay-ms <ms>', '/health is 503 for this long after start', num)
    .option('--fault-error-rate <p>', 'fraction of requests answered 500', num)
    .option('--fault-latency-spike-rate <p>', 'probability an engine step stalls', num)
    .option('--fault-latency-spike-ms <ms>', 'stall length', num)
    .option('--fault-crash-after-requests <n>', 'exit after serving n requests', int)
    .option('--fault-crash-at-ms <ms>', 'exit this long after start', num)
    .option('--fault-hang-after-tokens <n>', 'streams go silent after n tokens', int)
    .option('--fault-refuse-connections', 'do not accept connections')
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .exitOverride();
  program.parse([...argv], { from: 'user' });
  const o = program.opts();
  const positional = (program.args as string[]).filter((a) => !a.startsWith('-'));
  if (positional[0] === 'serve') positional.shift();
  const file: Partial<SimulatorOptions> = o.config ? JSON.parse(readFileSync(o.config, 'utf8')) : {};
  const model = positional[0] ?? o.model ?? file.model;
  const served = o.servedModelName ?? file.servedModelName ?? model;
  if (!served) throw new Error('--served-model-name (or a positional model) is required');

  const engine: Partial<EngineConfig> = { ...file.engineOverrides };
  const set = <K extends keyof EngineConfig>(key: K, value: EngineConfig[K] | undefined) => {
    if (value !== undefined) engine[key] = value;
  };
  set('maxNumSeqs', o.maxNumSeqs);
  set('blockSize', o.blockSize);
  set('maxNumBatchedTokens', o.maxNumBatchedTokens);
  set('numGpuBlocks', o.numGpuBlocksOverride);
  set('decodeCurve', o.decodeCurve);
  set('prefillMsPerToken', o.prefillMsPerToken);
  set('frontendOverheadMs', o.frontendOverheadMs);
  if (argv.includes('--no-enable-prefix-caching')) engine.enablePrefixCaching = false;

  const faults: FaultOptions = { ...file.faults };
  const setFault = <K extends keyof FaultOptions>(key: K, value: FaultOptions[K] | undefined) => {
    if (value !== undefined) faults[key] = value;
  };
  setFault('loadDelayMs', o.faultLoadDelayMs);
  setFault('errorRate', o.faultErrorRate);
  setFault('latencySpikeRate', o.faultLatencySpikeRate);
  setFault('latencySpikeMs', o.faultLatencySpikeMs);
  setFault('crashAfterRequests', o.faultCrashAfterRequests);
  setFault('crashAtMs', o.faultCrashAtMs);
  setFault('hangAfterTokens', o.faultHangAfterTokens);
  if (o.faultRefuseConnections) faults.refuseConnections = true;

  const flagGiven = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  const pick = <T>(flag: string, flagValue: T, fileValue: T | undefined): T =>
    flagGiven(flag) || fileValue === undefined ? flagValue : fileValue;
  return {
    ...file,
    servedModelName: served,
    model: model ?? (typeof served === 'string' ? served : served[0]),
    host: pick('--host', o.host, file.host),
    port: pick('--port', o.port, file.port),
    profile: pick('--profile', o.profile, file.profile),
    timeScale: pick('--time-scale', o.timeScale, file.timeScale),
    seed: pick('--seed', o.seed, file.seed),
    maxModelLen: o.maxModelLen ?? file.maxModelLen,
    otlpTracesEndpoint: o.otlpTracesEndpoint ?? file.otlpTracesEndpoint,
    enablePromptTokensDetails:
      o.enablePromptTokensDetails === true || file.enablePromptTokensDetails === true,
    engineOverrides: engine,
    faults,
  };
}
