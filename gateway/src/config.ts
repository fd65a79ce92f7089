/**
 * Gateway configuration: one YAML file (`GATEWAY_CONFIG`), defaulted and validated by zod, with errors that
 * name the field path. Nothing past this module reads `process.env` or untyped config.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { admissionConfigSchema } from './admission/config.ts';
import { rateLimitConfigSchema } from './ratelimit/config.ts';
import { routingConfigSchema } from './routing/config.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256 digest (64 characters)');

const apiKeySchema = z.strictObject({
  /** A name for the key, shown in logs and metrics (never the key itself). */
  id: z.string().min(1),
  /** SHA-256 of the key, hex. Keys themselves are never stored. */
  sha256: hex64,
  /** The tenant the key belongs to (rate limits, fairness, metrics). */
  tenant: z.string().min(1),
  /** Models the key may use; absent means all. */
  models: z.array(z.string().min(1)).optional(),
});

const staticEndpointSchema = z.strictObject({
  id: z.string().min(1),
  /** Base URL of a vLLM server, without `/v1`. */
  url: z.url({ protocol: /^https?$/ }),
  /** The model it serves (its `--served-model-name`). */
  model: z.string().min(1),
});

/** The configuration schema, with every default written once next to its option. */
export const gatewayConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      adminHost: z.string().default('127.0.0.1'),
      adminPort: z.number().int().min(0).max(65535).default(8081),
      /** Request bodies above this size get 413. */
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(4 * 1024 * 1024),
      /** How long SIGTERM waits for in-flight requests and streams before closing them. */
      drainTimeoutMs: z.number().int().min(0).default(30_000),
      /**
       * New connections the kernel queues on the API port before the gateway accepts them (capped by
       * `net.core.somaxconn`). Node's default, 511, drops the SYNs of a burst of new clients beyond it, and
       * each dropped client retries only after a second.
       */
      listenBacklog: z.number().int().min(1).max(65535).default(4096),
      /**
       * Processes serving the API port (node:cluster): `auto` is one per available core. Above 1, the
       * primary keeps the admin listener, discovery, scraping and the KEDA scaler, and each worker gets an
       * equal share of the admission caps (see docs/adr/0007-gateway-workers.md).
       */
      workers: z.union([z.number().int().min(1).max(256), z.literal('auto')]).default(1),
    })
    .prefault({}),
  upstream: z
    .strictObject({
      /** TCP connect to a pod; over it: 504. */
      connectTimeoutMs: z.number().int().positive().default(5_000),
      /** Request sent → response headers; over it: 504. */
      firstByteTimeoutMs: z.number().int().positive().default(120_000),
      /** Silence between two body chunks; before the first byte 504, after it an error event ends the stream. */
      idleTimeoutMs: z.number().int().positive().default(60_000),
      /** Keep-alive connections kept per pod. */
      connectionsPerEndpoint: z.number().int().positive().default(256),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /** `disabled` is for local runs only: the gateway refuses it on a non-loopback host. */
      mode: z.enum(['required', 'disabled']).default('required'),
      keys: z.array(apiKeySchema).default([]),
    })
    .prefault({}),
  /** Static endpoints (local runs; Kubernetes discovery replaces them in a cluster). */
  endpoints: z.array(staticEndpointSchema).default([]),
  /** Kubernetes discovery: ready pods of each ModelDeployment's active revision (static endpoints stay). */
  discovery: z
    .strictObject({
      kubernetes: z
        .strictObject({
          enabled: z.boolean().default(false),
          /** kubeconfig file; absent: in-cluster credentials (or the default kubeconfig). */
          kubeconfig: z.string().min(1).optional(),
          /** Watch one namespace; absent: all namespaces the gateway may read. */
          namespace: z.string().min(1).optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** One line per request. */
      accessLog: z.boolean().default(true),
      /** Debug only: put prompts in the logs. Off, prompts never reach the logs. */
      logPrompts: z.boolean().default(false),
    })
    .prefault({}),
  /** Token-bucket limits per API key, tenant and model (see `ratelimit/README.md`). */
  rateLimits: rateLimitConfigSchema.prefault({}),
  /** Per-model admission queue, fairness and scale-from-zero holds (see `admission/README.md`). */
  admission: admissionConfigSchema.prefault({}),
  /** Filters, scorers and pickers per model; scraping, retries, outlier ejection (see `routing/README.md`). */
  routing: routingConfigSchema.prefault({}),
  /** KEDA external scaler (gRPC) over the admission queue. */
  scaler: z
    .strictObject({
      enabled: z.boolean().default(false),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9090),
      /** How often an open StreamIsActive repeats the current state. */
      heartbeatMs: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  telemetry: z
    .strictObject({
      /** OTLP/HTTP base URL (e.g. http://jaeger:4318); unset means tracing is off and costs nothing. */
      otlpEndpoint: z.string().optional(),
      serviceName: z.string().default('llm-gateway'),
    })
    .prefault({}),
});

/** The validated configuration. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
/** The configuration as written (defaults optional). */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

/** A configuration error; its message names the field path, e.g. `auth.keys[0].sha256: ...`. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  );
}

/** Validates raw configuration and applies defaults. Throws ConfigError listing each problem with its path. */
export function parseConfig(raw: unknown, source = 'config'): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${formatPath(i.path) || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid ${source}:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.auth.mode === 'disabled' && !isLoopback(config.server.host)) {
    throw new ConfigError(
      `invalid ${source}:\n  auth.mode: 'disabled' is allowed only on a loopback host, not '${config.server.host}'`,
    );
  }
  const rl = config.rateLimits;
  if (workerCount(config) > 1 && rl.store === 'memory' && rl.rules.length > 0) {
    throw new ConfigError(
      `invalid ${source}:\n  rateLimits.store: 'memory' keeps buckets per process, so ${workerCount(config)} workers would each grant the full limit; use 'redis' or server.workers: 1`,
    );
  }
  if (config.auth.mode === 'required' && config.auth.keys.length === 0) {
    throw new ConfigError(
      `invalid ${source}:\n  auth.keys: at least one key is needed when auth.mode is 'required'`,
    );
  }
  return config;
}

/** How many processes serve the API port (`server.workers`, with `auto` resolved to the available cores). */
export function workerCount(config: Pick<GatewayConfig, 'server'>): number {
  const { workers } = config.server;
  return workers === 'auto' ? availableParallelism() : workers;
}

/** Environment overrides the gateway honours (read here and nowhere else). */
export interface ConfigEnv {
  GATEWAY_CONFIG?: string | undefined;
  GATEWAY_WORKERS?: string | undefined;
  PORT?: string | undefined;
  ADMIN_PORT?: string | undefined;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  LOG_LEVEL?: string | undefined;
}

/** Loads `GATEWAY_CONFIG` (YAML), applies environment overrides, validates. */
export function loadConfig(env: ConfigEnv, base: Record<string, unknown> = {}): GatewayConfig {
  let raw: Record<string, unknown> = base;
  const source = env.GATEWAY_CONFIG ?? 'config';
  if (env.GATEWAY_CONFIG) {
    let text: string;
    try {
      text = readFileSync(env.GATEWAY_CONFIG, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read ${env.GATEWAY_CONFIG}: ${(error as Error).message}`);
    }
    try {
      raw = (parseYaml(text) as Record<string, unknown> | null) ?? {};
    } catch (error) {
      throw new ConfigError(`cannot parse ${env.GATEWAY_CONFIG}: ${(error as Error).message}`);
    }
  }
  const server = { ...(raw.server as Record<string, unknown> | undefined) };
  if (env.PORT) server.port = Number(env.PORT);
  if (env.ADMIN_PORT) server.adminPort = Number(env.ADMIN_PORT);
  if (env.GATEWAY_WORKERS) {
    server.workers = env.GATEWAY_WORKERS === 'auto' ? 'auto' : Number(env.GATEWAY_WORKERS);
  }
  const telemetry = { ...(raw.telemetry as Record<string, unknown> | undefined) };
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) telemetry.otlpEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const logging = { ...(raw.logging as Record<string, unknown> | undefined) };
  if (env.LOG_LEVEL) logging.level = env.LOG_LEVEL;
  return parseConfig({ ...raw, server, telemetry, logging }, source);
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
