/**
 * A gateway of several processes (`server.workers` > 1, node:cluster). The workers serve the API port
 * (connections handed out round-robin by the primary); the primary runs what must exist once per replica:
 * the admin listener (`/metrics` merged from every worker by prom-client's AggregatorRegistry, `/healthz`,
 * `/readyz`), the endpoint table that discovery writes, the engine-metrics scraper, and the KEDA external
 * scaler over the workers' summed queue counts. It restarts a worker that dies and, on shutdown, drains
 * every worker before it exits. Why and what it costs: docs/adr/0007-gateway-workers.md.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { createAdminApp } from '../app.ts';
import type { GatewayConfig } from '../config.ts';
import { EndpointTable } from '../discovery/endpoint-table.ts';
import { listen, urlHost } from '../gateway.ts';
import { scrapeTargets } from '../proxy/traffic-control.ts';
import { createMetricsScraper } from '../routing/metrics-scraper.ts';
import { startConfiguredScaler } from '../scaler/external-scaler.ts';
import type { Logger } from '../telemetry/logger.ts';
import { isSwitchyardMessage, type ToPrimary, type ToWorker } from './messages.ts';
import { ClusterQueueStats } from './queue-stats.ts';
import { workerShare } from './shares.ts';

/** A running cluster, as `main.ts` sees it. */
export interface RunningCluster {
  url: string;
  adminUrl: string;
  /** The primary's endpoint table: discovery writes it, every change goes to the workers. */
  endpoints: EndpointTable;
  /** Workers listening now. */
  listening(): number;
  scalerPort(): number | undefined;
  /** Drains every worker (up to the deadline), then closes the primary's listeners. */
  shutdown(drainTimeoutMs?: number): Promise<{ drained: boolean }>;
}

/** Options of {@link startGatewayCluster}. */
export interface ClusterOptions {
  workers: number;
  logger: Logger;
}

/** A listen error from a worker, rebuilt so the caller can explain it as it would its own. */
class WorkerStartError extends Error {
  override name = 'WorkerStartError';
  code?: string;
  address?: string;
  port?: number;
  constructor(failure: Extract<ToPrimary, { type: 'switchyard:failed' }>) {
    super(failure.message);
    if (failure.code) this.code = failure.code;
    if (failure.address) this.address = failure.address;
    if (failure.port !== undefined) this.port = failure.port;
  }
}

/** A worker that died this soon after starting is crash-looping: wait before forking it again. */
const EARLY_DEATH_MS = 5_000;
const RESTART_BACKOFF_MS = 1_000;

/** Forks `options.workers` workers and starts the primary's services; resolves once every worker listens. */
export async function startGatewayCluster(
  config: GatewayConfig,
  options: ClusterOptions,
): Promise<RunningCluster> {
  const { logger, workers: count } = options;
  const workerConfig = workerShare(config, count);
  const endpoints = new EndpointTable(config.endpoints);
  const queueStats = new ClusterQueueStats();
  const listening = new Map<number, string>();
  const startedAt = new Map<number, number>();
  let draining = false;
  let apiUrl = '';

  const own = new Registry();
  new Gauge({
    name: 'llm_gateway_workers',
    help: 'Gateway worker processes serving the API port.',
    registers: [own],
    collect() {
      this.set(listening.size);
    },
  });
  const restarts = new Counter({
    name: 'llm_gateway_worker_restarts_total',
    help: 'Gateway workers that died and were replaced.',
    registers: [own],
  });
  const aggregator = new AggregatorRegistry();

  const broadcast = (message: ToWorker) => {
    for (const id of listening.keys()) cluster.workers?.[id]?.send(message);
  };
  const scraper = createMetricsScraper({
    intervalMs: config.routing.scrape.intervalMs,
    timeoutMs: config.routing.scrape.timeoutMs,
    onLoad: (id, load) => broadcast({ type: 'switchyard:engine-load', id, load }),
  });
  scraper.setTargets(scrapeTargets(endpoints));
  endpoints.onChange(() => {
    scraper.setTargets(scrapeTargets(endpoints));
    broadcast({ type: 'switchyard:endpoints', endpoints: endpoints.specs() });
  });

  cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker-main.ts', import.meta.url)) });

  let firstStart: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const allListening = new Promise<void>((resolve, reject) => {
    firstStart = { resolve, reject };
  });

  const fork = (): Worker => {
    const worker = cluster.fork();
    startedAt.set(worker.id, performance.now());
    worker.on('online', () => {
      worker.send({ type: 'switchyard:config', config: workerConfig, endpoints: endpoints.specs() });
    });
    worker.on('message', (message: unknown) => {
      if (!isSwitchyardMessage<ToPrimary>(message)) return;
      switch (message.type) {
        case 'switchyard:listening':
          listening.set(worker.id, message.url);
          apiUrl = message.url;
          // The table may have changed between the config message and now.
          worker.send({ type: 'switchyard:endpoints', endpoints: endpoints.specs() });
          if (firstStart && listening.size === count) {
            firstStart.resolve();
            firstStart = undefined;
          }
          break;
        case 'switchyard:failed':
          if (firstStart) {
            firstStart.reject(new WorkerStartError(message));
            firstStart = undefined;
          } else {
            logger.error({ worker: worker.id, err: message.message }, 'gateway worker failed to start');
          }
          break;
        case 'switchyard:queue':
          queueStats.update(worker.id, message.stats);
          break;
        case 'switchyard:drained':
          if (!message.drained)
            logger.warn({ worker: worker.id }, 'worker closed requests at the drain deadline');
          break;
      }
    });
    worker.on('exit', (code, signal) => {
      listening.delete(worker.id);
      queueStats.remove(worker.id);
      const lived = performance.now() - (startedAt.get(worker.id) ?? 0);
      startedAt.delete(worker.id);
      if (firstStart) {
        firstStart.reject(
          new Error(`a gateway worker exited (${signal ?? `code ${code}`}) before listening`),
        );
        firstStart = undefined;
        return;
      }
      if (draining) return;
      restarts.inc();
      logger.error({ worker: worker.id, code, signal }, 'gateway worker died; starting a new one');
      const again = () => {
        if (!draining) fork();
      };
      if (lived < EARLY_DEATH_MS) setTimeout(again, RESTART_BACKOFF_MS).unref();
      else again();
    });
    return worker;
  };

  for (let i = 0; i < count; i++) fork();
  try {
    await allListening;
  } catch (error) {
    draining = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    throw error;
  }

  scraper.start();
  const scaler = await startConfiguredScaler(queueStats, config.scaler, logger);

  const adminApp = createAdminApp({
    metrics: {
      registry: {
        contentType: aggregator.contentType,
        metrics: async () => `${await aggregator.clusterMetrics()}\n${await own.metrics()}`,
      },
    },
    isReady: () => !draining && listening.size === count,
  });
  const admin = createAdaptorServer({ fetch: adminApp.fetch });
  const adminPort = await listen(
    admin as import('node:http').Server,
    config.server.adminHost,
    config.server.adminPort,
  );

  return {
    url: apiUrl,
    adminUrl: `http://${urlHost(config.server.adminHost)}:${adminPort}`,
    endpoints,
    listening: () => listening.size,
    scalerPort: () => scaler?.port,
    async shutdown(drainTimeoutMs = config.server.drainTimeoutMs) {
      draining = true;
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      const results = await Promise.all(
        live.map(
          (worker) =>
            new Promise<boolean>((resolve) => {
              let drained = false;
              worker.on('message', (message: unknown) => {
                if (isSwitchyardMessage<ToPrimary>(message) && message.type === 'switchyard:drained') {
                  drained = message.drained;
                }
              });
              worker.once('exit', () => resolve(drained));
              // A worker that hangs past the deadline (plus time to close) is killed.
              const kill = setTimeout(() => worker.process.kill('SIGKILL'), drainTimeoutMs + 5_000);
              kill.unref();
              worker.send({ type: 'switchyard:drain', timeoutMs: drainTimeoutMs });
            }),
        ),
      );
      scraper.stop();
      await scaler?.close();
      const server = admin as import('node:http').Server;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return { drained: results.every(Boolean) };
    },
  };
}
