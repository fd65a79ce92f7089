// testkit: Jaeger v2 (OTel-collector based) with in-memory storage, OTLP receivers and the query API.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { makeRunDir } from '../core/paths.ts';
import { freePorts } from '../core/ports.ts';
import { httpOk } from '../core/probes.ts';
import { startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';

/** Options of {@link startJaeger}. */
export interface StartJaegerOptions {
  /** Traces kept in memory (default 100000). */
  maxTraces?: number;
}

/** A span as Jaeger's query API returns it (the fields tests usually read). */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  processID: string;
  tags: { key: string; type: string; value: unknown }[];
  references: { refType: string; traceID: string; spanID: string }[];
}

/** A trace as Jaeger's query API returns it. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: unknown[] }>;
}

/** A running Jaeger. */
export interface JaegerServer {
  /** OTLP/HTTP base URL: POST `${otlpHttpUrl}/v1/traces`; also the `OTEL_EXPORTER_OTLP_ENDPOINT` value. */
  otlpHttpUrl: string;
  /** OTLP/gRPC address `127.0.0.1:<port>`. */
  otlpGrpcAddress: string;
  /** Query base URL: `${queryUrl}/api/traces/{id}`, `/api/services`, and the UI. */
  queryUrl: string;
  host: string;
  logFile: string;
  /** Fetches one trace by id (hex); undefined while Jaeger does not have it. */
  getTrace(traceId: string): Promise<JaegerTrace | undefined>;
  stop(): Promise<void>;
}

function configYaml(
  ports: { otlpHttp: number; otlpGrpc: number; queryHttp: number; queryGrpc: number },
  maxTraces: number,
): string {
  const host = '127.0.0.1';
  return stringify({
    service: {
      extensions: ['jaeger_storage', 'jaeger_query'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] },
      },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
    },
    extensions: {
      jaeger_storage: { backends: { memstore: { memory: { max_traces: maxTraces } } } },
      jaeger_query: {
        storage: { traces: 'memstore' },
        http: { endpoint: `${host}:${ports.queryHttp}` },
        grpc: { endpoint: `${host}:${ports.queryGrpc}` },
      },
    },
    receivers: {
      otlp: {
        protocols: {
          http: { endpoint: `${host}:${ports.otlpHttp}` },
          grpc: { endpoint: `${host}:${ports.otlpGrpc}` },
        },
      },
    },
    // Small batches, short timeout: tests read spans back within a second of sending them.
    processors: { batch: { timeout: '100ms' } },
    exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
  });
}

/** Starts Jaeger v2 with in-memory storage on free loopback ports; resolves when OTLP and query both answer. */
export async function startJaeger(options: StartJaegerOptions = {}): Promise<JaegerServer> {
  const binary = requireBinary(component('jaeger'), 'jaeger');
  const host = '127.0.0.1';
  const [otlpHttp, otlpGrpc, queryHttp, queryGrpc] = (await freePorts(4)) as [number, number, number, number];
  const runDir = makeRunDir('jaeger');
  const configFile = join(runDir, 'jaeger.yaml');
  writeFileSync(
    configFile,
    configYaml({ otlpHttp, otlpGrpc, queryHttp, queryGrpc }, options.maxTraces ?? 100_000),
  );
  const otlpHttpUrl = `http://${host}:${otlpHttp}`;
  const queryUrl = `http://${host}:${queryHttp}`;
  const started = await startProcess({
    name: 'jaeger',
    command: binary,
    runDir,
    args: () => ['--config', configFile],
    // An empty JSON export is a valid OTLP request: 200 means the receiver is up.
    ready: async () =>
      (await httpOk(`${queryUrl}/api/services`)) &&
      (await httpOk(`${otlpHttpUrl}/v1/traces`, [200], {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"resourceSpans":[]}',
      })),
  });
  return {
    otlpHttpUrl,
    otlpGrpcAddress: `${host}:${otlpGrpc}`,
    queryUrl,
    host,
    logFile: started.logFile,
    stop: started.stop,
    async getTrace(traceId) {
      const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      const body = (await response.json()) as { data?: JaegerTrace[] };
      return body.data?.[0];
    },
  };
}
