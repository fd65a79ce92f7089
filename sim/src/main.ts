/**
 * sim — the CLI entry point: `node sim/src/main.ts --served-model-name M --port 8000 [...]`
 * (or `... serve <model> ...` as vLLM is started). SIGTERM and SIGINT drain and exit 0; an injected
 * crash exits 1.
 */
import { parseArgs } from './cli.ts';
import { startSimulator } from './simulator.ts';

/** Kubernetes' default termination grace period; the kubelet kills the pod after it anyway. */
const DRAIN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const sim = await startSimulator({
    ...options,
    onCrash: (reason) => {
      console.error(`switchyard-sim: injected fault: ${reason}; exiting`);
      process.exit(1);
    },
  });
  const c = sim.config;
  console.log(
    `switchyard-sim serving ${JSON.stringify(options.servedModelName)} on ${sim.url}/v1 ` +
      `(profile ${options.profile}, time scale ${options.timeScale}, max_num_seqs ${c.maxNumSeqs}, ` +
      `${c.numGpuBlocks} KV blocks of ${c.blockSize}, max_model_len ${c.maxModelLen})`,
  );
  const shutdown = (signal: string) => {
    console.log(
      `switchyard-sim: ${signal}, finishing requests in flight (up to ${DRAIN_TIMEOUT_MS / 1000} s)`,
    );
    process.once(signal, () => process.exit(1)); // a second signal: stop at once
    sim.drain(DRAIN_TIMEOUT_MS).then(
      ({ drained }) => {
        console.log(`switchyard-sim: stopped${drained ? '' : ' (requests still running were cut)'}`);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`switchyard-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
