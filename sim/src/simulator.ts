/**
 * sim — `startSimulator`: one simulated vLLM replica (engine, HTTP server, metrics, tracing,
 * faults) in this process. Several can run side by side; nothing here is global.
 */
import type { Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RealClock } from './engine/clock.ts';
import type { EngineStats } from './engine/engine.ts';
import { Engine } from './engine/engine.ts';
import type { FaultOptions } from './faults/faults.ts';
import { FaultController } from './faults/faults.ts';
import type { SimContext } from './http/context.ts';
import { route } from './http/router.ts';
import { SimMetrics } from './observability/metrics.ts';
import { createRequestTracer } from './observability/tracing.ts';
import type { EngineConfig } from './profiles.ts';
import { resolveEngineConfig } from './profiles.ts';
import { Prng } from './text/hash.ts';

/** Options of one simulator; every default is written here once. */
export interface SimulatorOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 0. */
  port?: number;
  /** Name(s) the model is served under (vLLM `--served-model-name`); the first is reported. */
  servedModelName: string | readonly string[];
  /** The model path or id vLLM would load (`root` in `/v1/models`). Default: the served name. */
  model?: string;
  /** Engine profile. Default `mistral-7b-h100`. */
  profile?: string;
  /** Simulated seconds per wall second; 10 runs ten times faster than real time. Default 1. */
  timeScale?: number;
  /** Context window override (vLLM `--max-model-len`). */
  maxModelLen?: number;
  /** Seed for requests that carry none and for fault draws. Default 0. */
  seed?: number;
  /** Faults to inject; all off by default. */
  faults?: FaultOptions;
  /** OTLP/HTTP traces endpoint (vLLM `--otlp-traces-endpoint`); unset: no tracing at all. */
  otlpTracesEndpoint?: string;
  /** An in-process span exporter (tests); takes precedence over `otlpTracesEndpoint`. */
  traceExporter?: SpanExporter;
  /** Any engine parameter, over the profile. */
  engineOverrides?: Partial<EngineConfig>;
  /** Report `prompt_tokens_details.cached_tokens` in usage. Default false (as vLLM). */
  enablePromptTokensDetails?: boolean;
  /** Called when an injected crash fault fires (the CLI exits non-zero). */
  onCrash?: (reason: string) => void;
}

/** A running simulator. */
export interface RunningSimulator {
  /** `http://host:port` (no `/v1`). */
  readonly url: string;
  readonly port: number;
  /** The resolved engine configuration. */
  readonly config: Readonly<EngineConfig>;
  /** Live engine counters (running, waiting, KV usage, preemptions, tokens, prefix cache). */
  engineStats(): EngineStats;
  /** Scheduler lag against its own clock: how far behind the simulated schedule the steps fired. */
  clockLag(): { timers: number; maxLagMs: number; meanLagMs: number; lastLagMs: number };
  /** Switches faults on or off at run time. */
  setFaults(patch: FaultOptions): Promise<void>;
  /** True after an injected crash. */
  readonly crashed: boolean;
  /** Stops listening, aborts in-flight requests, flushes spans. */
  close(): Promise<void>;
  /**
   * Graceful shutdown, as vLLM's server does on SIGTERM: refuse new work (new connections are not accepted;
   * requests on open connections get 503), let requests in flight finish for up to `timeoutMs`, then close.
   */
  drain(timeoutMs: number): Promise<{ drained: boolean }>;
}

/** Starts one simulated vLLM replica. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const names =
    typeof options.servedModelName === 'string' ? [options.servedModelName] : [...options.servedModelName];
  if (names.length === 0 || names.some((n) => !n))
    throw new Error('servedModelName: at least one non-empty name');
  const host = options.host ?? '127.0.0.1';
  const overrides = { ...options.engineOverrides };
  if (options.maxModelLen !== undefined) overrides.maxModelLen = options.maxModelLen;
  const config = resolveEngineConfig(options.profile ?? 'mistral-7b-h100', overrides);
  const clock = new RealClock(options.timeScale ?? 1);
  const seedPrng = new Prng(options.seed ?? 0);
  const faults = new FaultController(options.faults, options.seed ?? 0);
  const engine = new Engine(config, clock, { extraStepMs: () => faults.extraStepMs() });
  const ctx: SimContext = {
    servedModelNames: names,
    modelPath: options.model ?? names[0]!,
    config,
    engine,
    clock,
    metrics: new SimMetrics(names[0]!, engine),
    tracer: createRequestTracer(options.otlpTracesEndpoint, options.traceExporter),
    faults,
    promptTokensDetails: options.enablePromptTokensDetails === true,
    startedAtSec: Math.floor(Date.now() / 1000),
    nextSeed: () => seedPrng.next(),
  };

  const sockets = new Set<Socket>();
  const responses = new Set<ServerResponse>();
  let crashed = false;
  let closed = false;
  let draining = false;
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (draining) {
      const error = {
        message: 'The server is shutting down.',
        type: 'ServiceUnavailableError',
        param: null,
        code: 503,
      };
      res
        .writeHead(503, { 'content-type': 'application/json', connection: 'close' })
        .end(JSON.stringify({ error }));
      return;
    }
    if (faults.countRequestAndCheckCrash()) return crash('crash after requests');
    responses.add(res);
    res.on('close', () => responses.delete(res));
    void route(ctx, req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const port = await listen(server, host, options.port ?? 0);
  if (faults.options.refuseConnections) stopAccepting(server);
  const crashAtMs = faults.options.crashAtMs;
  const crashTimer =
    crashAtMs === undefined ? null : setTimeout(() => crash('crash at time'), crashAtMs / clock.timeScale);

  function crash(reason: string): void {
    if (crashed || closed) return;
    crashed = true;
    engine.stop();
    server.close();
    for (const s of sockets) s.destroy();
    options.onCrash?.(reason);
  }

  const running: RunningSimulator = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    config,
    engineStats: () => engine.stats(),
    clockLag: () => ({
      timers: clock.lag.timers,
      maxLagMs: clock.lag.maxLagMs,
      meanLagMs: clock.lag.timers ? clock.lag.totalLagMs / clock.lag.timers : 0,
      lastLagMs: clock.lag.lastLagMs,
    }),
    async setFaults(patch) {
      const wasRefusing = faults.options.refuseConnections === true;
      faults.update(patch);
      const refusing = faults.options.refuseConnections === true;
      if (refusing && !wasRefusing) stopAccepting(server);
      if (!refusing && wasRefusing && !crashed) await listen(server, host, port);
    },
    get crashed() {
      return crashed;
    },
    async drain(timeoutMs) {
      draining = true;
      stopAccepting(server);
      server.closeIdleConnections();
      const deadline = Date.now() + timeoutMs;
      while (responses.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const drained = responses.size === 0;
      await running.close();
      return { drained };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (crashTimer) clearTimeout(crashTimer);
      engine.stop();
      for (const res of responses) if (!res.writableEnded) res.destroy();
      const stopped = stopListening(server);
      for (const s of sockets) s.destroy();
      await stopped;
      await ctx.tracer?.shutdown();
    },
  };
  return running;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Closes the listener at once (new connections are refused); open connections carry on. */
function stopAccepting(server: Server): void {
  if (server.listening) server.close();
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
