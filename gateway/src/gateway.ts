/**
 * Assembles a gateway from its configuration: endpoint table, picker, upstream client, telemetry, the two
 * listeners; and takes it down gracefully (stop accepting, `/readyz` 503, let in-flight work finish, exit).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Tracer } from '@opentelemetry/api';
import { createAdminApp, createApiListener } from './app.ts';
import type { GatewayConfig } from './config.ts';
import { EndpointTable } from './discovery/endpoint-table.ts';
import { InflightTracker } from './proxy/inflight.ts';
import { createTrafficControl, type TrafficControl } from './proxy/traffic-control.ts';
import { UpstreamClient } from './proxy/upstream.ts';
import { WriteBatch } from './proxy/write-batch.ts';
import type { Picker } from './routing/types.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { createMetrics, type GatewayMetrics } from './telemetry/metrics.ts';
import { gatewayTracer } from './telemetry/tracing.ts';

type NodeServer = ReturnType<typeof createAdaptorServer> & import('node:http').Server;

/** Overrides for tests and embedding. */
export interface GatewayOverrides {
  tracer?: Tracer;
  logger?: Logger;
  picker?: Picker;
  endpoints?: EndpointTable;
  /**
   * A cluster worker's part only: the API listener, no admin listener and no scraping (the primary serves
   * `/metrics` and the probes for all workers and forwards engine samples). See `cluster/`.
   */
  worker?: boolean;
}

/** A running gateway. */
export interface RunningGateway {
  /** API base URL, e.g. `http://127.0.0.1:8080` (the SDK's baseURL is this plus `/v1`). */
  url: string;
  /** Admin base URL; empty in a cluster worker, whose primary serves the admin listener. */
  adminUrl: string;
  endpoints: EndpointTable;
  metrics: GatewayMetrics;
  inflight: InflightTracker;
  /** Rate limiter, admission queue, routing and scaler of this gateway. */
  control: TrafficControl;
  /** Graceful shutdown: refuse new work, wait for in-flight requests up to the drain deadline, close. */
  shutdown(drainTimeoutMs?: number): Promise<{ drained: boolean }>;
}

/** Listens and resolves the bound port. */
export function listen(
  server: import('node:http').Server,
  host: string,
  port: number,
  backlog?: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ...(backlog ? { backlog } : {}) }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A host as it goes in a URL (IPv6 in brackets). */
export const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Starts a gateway with `config`. */
export async function startGateway(
  config: GatewayConfig,
  overrides: GatewayOverrides = {},
): Promise<RunningGateway> {
  const logger = overrides.logger ?? createLogger(config.logging.level);
  const metrics = createMetrics({ defaults: true });
  const endpoints =
    overrides.endpoints ??
    new EndpointTable(config.endpoints.map((e) => ({ id: e.id, url: e.url, model: e.model })));
  const upstream = new UpstreamClient(config.upstream);
  const inflight = new InflightTracker();
  const writes = new WriteBatch(
    () => inflight.count > 1,
    (error) => logger.error({ err: error }, 'writing a response failed'),
  );
  let draining = false;
  const control = createTrafficControl({
    config,
    endpoints,
    registry: metrics.registry,
    logger,
    ...(overrides.picker ? { picker: overrides.picker } : {}),
    scrape: !overrides.worker,
  });
  await control.start();

  const apiListener = createApiListener({
    endpoints,
    control,
    upstream,
    metrics,
    tracer: overrides.tracer ?? gatewayTracer(),
    logger,
    inflight,
    writes,
    maxBodyBytes: config.server.maxBodyBytes,
    accessLog: config.logging.accessLog,
    auth: config.auth,
    isDraining: () => draining,
  });
  const api = createServer(apiListener) as NodeServer;
  api.keepAliveTimeout = 65_000;
  api.headersTimeout = 66_000;
  api.requestTimeout = 0;
  const apiPort = await listen(api, config.server.host, config.server.port, config.server.listenBacklog);
  let admin: NodeServer | undefined;
  let adminUrl = '';
  if (!overrides.worker) {
    const adminApp = createAdminApp({ metrics, isReady: () => !draining });
    admin = createAdaptorServer({ fetch: adminApp.fetch }) as NodeServer;
    const adminPort = await listen(admin, config.server.adminHost, config.server.adminPort);
    adminUrl = `http://${urlHost(config.server.adminHost)}:${adminPort}`;
  }

  return {
    url: `http://${urlHost(config.server.host)}:${apiPort}`,
    adminUrl,
    endpoints,
    metrics,
    inflight,
    control,
    async shutdown(drainTimeoutMs = config.server.drainTimeoutMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => api.close(() => resolve()));
      api.closeIdleConnections();
      const drained = await inflight.waitIdle(drainTimeoutMs);
      // A request is done before its last write when that write waits for the turn's batch.
      await writes.settled();
      api.closeAllConnections();
      await closed;
      await upstream.close();
      await control.close();
      if (admin) {
        const server = admin;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      return { drained };
    },
  };
}
