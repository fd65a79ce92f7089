/**
 * A cluster worker's entry point (forked by `primary.ts`): waits for its share of the configuration, serves
 * the API port, applies endpoint sets and engine samples from the primary, reports queue counts, and drains
 * when told. Signals are the primary's business: a Ctrl-C reaches the whole process group, and a worker
 * must not die under its in-flight streams before the primary asks it to drain.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { type RunningGateway, startGateway } from '../gateway.ts';
import { createLogger } from '../telemetry/logger.ts';
import { startTracing } from '../telemetry/tracing.ts';
import { isSwitchyardMessage, type ToPrimary, type ToWorker } from './messages.ts';
import { reportQueueStats } from './queue-stats.ts';

const send = (message: ToPrimary) => process.send?.(message);
let gateway: RunningGateway | undefined;
let stopTracing: (() => Promise<void>) | undefined;
let stopReporting: (() => void) | undefined;

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

async function start(message: Extract<ToWorker, { type: 'switchyard:config' }>): Promise<void> {
  const { config } = message;
  const logger = createLogger(config.logging.level).child({ worker: cluster.worker?.id });
  if (config.telemetry.otlpEndpoint) {
    stopTracing = await startTracing(config.telemetry.otlpEndpoint, config.telemetry.serviceName);
  }
  gateway = await startGateway({ ...config, endpoints: message.endpoints }, { logger, worker: true });
  AggregatorRegistry.setRegistries([gateway.metrics.registry]);
  // Constructing one installs prom-client's worker-side listener that answers the primary's scrapes.
  new AggregatorRegistry();
  stopReporting = reportQueueStats(gateway.control.queue, (stats) =>
    send({ type: 'switchyard:queue', stats }),
  );
  send({ type: 'switchyard:listening', url: gateway.url });
}

async function drain(timeoutMs: number): Promise<void> {
  stopReporting?.();
  const { drained } = gateway ? await gateway.shutdown(timeoutMs) : { drained: true };
  await stopTracing?.();
  send({ type: 'switchyard:drained', drained });
  process.disconnect();
  process.exit(0);
}

process.on('message', (message: unknown) => {
  if (!isSwitchyardMessage<ToWorker>(message)) return;
  switch (message.type) {
    case 'switchyard:config':
      start(message).catch((error: unknown) => {
        const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
        send({
          type: 'switchyard:failed',
          message: e.message ?? String(error),
          ...(e.code ? { code: e.code } : {}),
          ...(e.address ? { address: e.address } : {}),
          ...(e.port !== undefined ? { port: e.port } : {}),
        });
        process.exit(1);
      });
      break;
    case 'switchyard:endpoints':
      gateway?.endpoints.replace(message.endpoints);
      break;
    case 'switchyard:engine-load':
      gateway?.control.applyEngineLoad(message.id, message.load);
      break;
    case 'switchyard:drain':
      void drain(message.timeoutMs);
      break;
  }
});
