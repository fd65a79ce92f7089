/**
 * The operator's entry point: `npm run operator -- [--kubeconfig F] [--namespace N] [--versions none] [--model-service-account SA]`.
 * Replicas compete for a coordination Lease; only the leader runs the controller. Losing the Lease exits
 * the process (the Deployment restarts it as a standby); SIGTERM stops the controller, releases the
 * Lease and exits.
 */
import { parseArgs } from 'node:util';
import { httpAnalyzer } from './analysis/run-analysis.ts';
import { loadOperatorConfig, OperatorConfigError } from './config.ts';
import { type Controller, startController } from './controller.ts';
import { createKubeApi } from './k8s/rest-client.ts';
import { LeaderElector } from './leader/leader-election.ts';
import { createVersionSource } from './versions/create-version-source.ts';

function log(message: string, fields: Record<string, unknown> = {}) {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'switchyard-operator', message, ...fields })}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string' },
      identity: { type: 'string' },
      'lease-duration-seconds': { type: 'string' },
      'renew-deadline-ms': { type: 'string' },
      'retry-period-ms': { type: 'string' },
      concurrency: { type: 'string' },
      'resync-seconds': { type: 'string' },
      versions: { type: 'string' },
      'model-service-account': { type: 'string' },
      'scaler-address': { type: 'string' },
    },
  });
  const flags = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), v]),
  );
  const config = loadOperatorConfig(flags, process.env);
  const kube = createKubeApi(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {});
  const versions = createVersionSource(config.versions, process.env);
  let controller: Controller | undefined;
  const elector = new LeaderElector({
    kube,
    namespace: config.leaseNamespace,
    name: config.leaseName,
    identity: config.identity,
    leaseDurationSeconds: config.leaseDurationSeconds,
    renewDeadlineMs: config.renewDeadlineMs,
    retryPeriodMs: config.retryPeriodMs,
    onStartedLeading: async () => {
      log('leading', { identity: config.identity });
      controller = await startController({
        kube,
        versions,
        analyze: httpAnalyzer(),
        concurrency: config.concurrency,
        resyncMs: config.resyncSeconds * 1000,
        ...(config.namespace ? { namespace: config.namespace } : {}),
        ...(config.modelServiceAccount ? { modelServiceAccount: config.modelServiceAccount } : {}),
        scalerAddress: config.scalerAddress,
        log,
      });
      log('controller started');
    },
    onStoppedLeading: () => {
      log('lost the lease; exiting so that only one replica acts');
      process.exit(1);
    },
  });
  elector.start();
  log('waiting for the lease', {
    identity: config.identity,
    lease: `${config.leaseNamespace}/${config.leaseName}`,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log('stopping', { signal });
    controller?.stop();
    await elector.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof OperatorConfigError ? error.message : `operator failed to start: ${(error as Error).stack}`}\n`,
  );
  process.exit(1);
});
