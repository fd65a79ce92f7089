/**
 * The gateway's entry point.
 *
 *   node gateway/src/main.ts            config from GATEWAY_CONFIG (YAML) and the environment
 *   node gateway/src/main.ts --local    `npm start`: two simulated vLLM replicas embedded, no API keys, loopback only
 *
 * SIGTERM/SIGINT drain gracefully; a second signal exits at once.
 */
import { parseArgs } from 'node:util';
import { startGatewayCluster } from './cluster/primary.ts';
import { ConfigError, type GatewayConfig, loadConfig, parseConfig, workerCount } from './config.ts';
import type { EndpointTable } from './discovery/endpoint-table.ts';
import { startGateway } from './gateway.ts';
import { createLogger } from './telemetry/logger.ts';
import { startTracing } from './telemetry/tracing.ts';

const LOCAL_MODEL = 'mistral-7b-instruct';
const LOCAL_REPLICAS = 2;

interface Embedded {
  close(): Promise<void>;
}

async function startLocalFleet(): Promise<{ endpoints: GatewayConfig['endpoints']; fleet: Embedded[] }> {
  const { startSimulator } = await import('@switchyard/sim');
  const fleet = await Promise.all(
    Array.from({ length: LOCAL_REPLICAS }, () =>
      startSimulator({
        servedModelName: LOCAL_MODEL,
        host: '127.0.0.1',
        port: 0,
        profile: 'mistral-7b-h100',
      }),
    ),
  );
  return {
    endpoints: fleet.map((sim, i) => ({ id: `sim-${i}`, url: sim.url, model: LOCAL_MODEL })),
    fleet,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { local: { type: 'boolean', default: false } } });
  let config: GatewayConfig;
  let fleet: Embedded[] = [];
  if (values.local) {
    const local = await startLocalFleet();
    fleet = local.fleet;
    const fromEnv = loadConfig(process.env, { auth: { mode: 'disabled' } });
    config = parseConfig({ ...fromEnv, endpoints: [...local.endpoints, ...fromEnv.endpoints] });
  } else {
    config = loadConfig(process.env);
  }
  const logger = createLogger(config.logging.level);
  const workers = workerCount(config);
  // In a cluster each worker traces its own requests; the primary serves none.
  const stopTracing =
    config.telemetry.otlpEndpoint && workers === 1
      ? await startTracing(config.telemetry.otlpEndpoint, config.telemetry.serviceName)
      : undefined;
  const gateway: {
    url: string;
    adminUrl: string;
    endpoints: EndpointTable;
    shutdown(): Promise<{ drained: boolean }>;
  } =
    workers > 1
      ? await startGatewayCluster(config, { workers, logger })
      : await startGateway(config, { logger });
  const kube = config.discovery.kubernetes;
  // Loaded only when enabled: the Kubernetes client is the heaviest import the gateway has.
  const discovery = kube.enabled
    ? (await import('./discovery/kubernetes.ts')).startKubernetesDiscovery({
        table: gateway.endpoints,
        staticEndpoints: config.endpoints,
        ...(kube.kubeconfig ? { kubeconfig: kube.kubeconfig } : {}),
        ...(kube.namespace ? { namespace: kube.namespace } : {}),
        log: (message, fields) => logger.info(fields ?? {}, message),
      })
    : undefined;
  await discovery?.synced;

  if (config.auth.mode === 'disabled') {
    logger.warn({ host: config.server.host }, 'API keys are not required (local mode, loopback only)');
  }
  logger.info(
    {
      url: gateway.url,
      admin: gateway.adminUrl,
      workers,
      models: gateway.endpoints.models(),
      tracing: !!config.telemetry.otlpEndpoint,
    },
    'gateway listening',
  );
  if (values.local) {
    process.stdout.write(
      [
        '',
        `Switchyard gateway: ${gateway.url}/v1  (admin: ${gateway.adminUrl}/metrics)`,
        `Serving ${LOCAL_MODEL} from ${LOCAL_REPLICAS} simulated vLLM replicas. Try it with the OpenAI SDK:`,
        '',
        `  const client = new OpenAI({ baseURL: '${gateway.url}/v1', apiKey: 'local' });`,
        `  const reply = await client.chat.completions.create({ model: '${LOCAL_MODEL}', messages: [{ role: 'user', content: 'Hello!' }] });`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'draining');
    discovery?.stop();
    const { drained } = await gateway.shutdown();
    await Promise.all(fleet.map((sim) => sim.close()));
    await stopTracing?.();
    logger.info({ drained }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${describeStartupError(error)}\n`);
  process.exit(1);
});

/** One line saying why the gateway could not start. */
function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE') {
    return `gateway failed to start: ${e.address}:${e.port} is already in use (set PORT / ADMIN_PORT or server.port / server.adminPort)`;
  }
  if (e.code === 'EACCES') return `gateway failed to start: not allowed to listen on ${e.address}:${e.port}`;
  return `gateway failed to start: ${e.stack ?? String(error)}`;
}
