/**
 * A KEDA external scaler over the admission queue. KEDA asks, per ScaledObject (metadata `model`), whether
 * the model is active (requests queued or in flight) and for its metric; `StreamIsActive` pushes a change
 * the moment a request is held for a scaled-to-zero model, so it wakes in well under a second instead of
 * at KEDA's next polling interval.
 *
 * Metadata: `model` (required); `metric` = `queueDepth` (default: requests waiting), `inflight`, or
 * `demand` (waiting + in flight); `targetValue` (default 1) for the HPA target per replica.
 * Each gateway replica answers for its own queue; for a fleet-wide view use the Prometheus scaler over
 * `sum(llm_queue_depth{model="..."})`.
 */
import type { ServerUnaryCall, ServerWritableStream, sendUnaryData } from '@grpc/grpc-js';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { hasDemand, type QueueStats } from '../admission/admission-queue.ts';
import type { GetMetricsRequest, ScaledObjectRef } from './proto.ts';
import { loadExternalScalerService } from './proto.ts';

/** What the scaler reads: the admission queue satisfies it. */
export interface ScalerSource {
  stats(model: string): QueueStats;
  subscribe(listener: (model: string) => void): () => void;
}

/** Options of {@link startExternalScaler}. */
export interface ExternalScalerOptions {
  source: ScalerSource;
  /** Loopback by default; in a pod, `0.0.0.0`. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** How often an open `StreamIsActive` repeats the current state (keeps idle streams alive). Default 10 s. */
  heartbeatMs?: number;
}

/** A running scaler. */
export interface ExternalScaler {
  port: number;
  close(): Promise<void>;
}

const METRICS = {
  queueDepth: (s: QueueStats) => s.queued,
  inflight: (s: QueueStats) => s.inflight,
  demand: (s: QueueStats) => s.queued + s.inflight,
} as const;

interface Target {
  model: string;
  metricName: string;
  value: (s: QueueStats) => number;
  target: number;
}

function targetOf(ref: ScaledObjectRef | undefined): Target | { error: string } {
  const meta = ref?.scalerMetadata ?? {};
  const model = meta.model;
  if (!model) return { error: 'scalerMetadata.model is required' };
  const metric = (meta.metric ?? 'queueDepth') as keyof typeof METRICS;
  if (!(metric in METRICS))
    return { error: `scalerMetadata.metric must be one of ${Object.keys(METRICS).join(', ')}` };
  const target = Number(meta.targetValue ?? '1');
  if (!(target > 0)) return { error: 'scalerMetadata.targetValue must be a positive number' };
  const metricName = `switchyard-${metric.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}-${model.replace(/[^a-zA-Z0-9-]/g, '-')}`;
  return { model, metricName, value: METRICS[metric], target };
}

/** Starts the gRPC server. */
export async function startExternalScaler(options: ExternalScalerOptions): Promise<ExternalScaler> {
  const { source } = options;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const server = new Server();
  const streams = new Set<() => void>();

  function unary<Req, Res>(resolve: (req: Req) => Res | { error: string }) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
      const result = resolve(call.request);
      if (result && typeof result === 'object' && 'error' in result) {
        callback({ code: status.INVALID_ARGUMENT, details: String(result.error) });
      } else {
        callback(null, result as Res);
      }
    };
  }

  server.addService(loadExternalScalerService().service, {
    IsActive: unary((ref: ScaledObjectRef) => {
      const t = targetOf(ref);
      return 'error' in t ? t : { result: hasDemand(source.stats(t.model)) };
    }),
    GetMetricSpec: unary((ref: ScaledObjectRef) => {
      const t = targetOf(ref);
      if ('error' in t) return t;
      return {
        metricSpecs: [
          { metricName: t.metricName, targetSize: Math.ceil(t.target), targetSizeFloat: t.target },
        ],
      };
    }),
    GetMetrics: unary((req: GetMetricsRequest) => {
      const t = targetOf(req.scaledObjectRef);
      if ('error' in t) return t;
      const value = t.value(source.stats(t.model));
      return {
        metricValues: [
          { metricName: req.metricName || t.metricName, metricValue: value, metricValueFloat: value },
        ],
      };
    }),
    StreamIsActive(call: ServerWritableStream<ScaledObjectRef, { result: boolean }>) {
      const t = targetOf(call.request);
      if ('error' in t) {
        call.destroy(Object.assign(new Error(t.error), { code: status.INVALID_ARGUMENT }));
        return;
      }
      let last: boolean | undefined;
      const send = (force: boolean) => {
        const active = hasDemand(source.stats(t.model));
        if (!force && active === last) return;
        last = active;
        call.write({ result: active });
      };
      const unsubscribe = source.subscribe((model) => {
        if (model === t.model) send(false);
      });
      const heartbeat = setInterval(() => send(true), heartbeatMs);
      heartbeat.unref();
      const stop = () => {
        unsubscribe();
        clearInterval(heartbeat);
        streams.delete(stop);
      };
      streams.add(stop);
      call.on('cancelled', stop);
      call.on('close', stop);
      send(true);
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`,
      ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    );
  });
  return {
    port,
    close() {
      for (const stop of [...streams]) stop();
      return new Promise((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 1000).unref();
      });
    },
  };
}

/** The `scaler` section of the gateway config. */
export interface ScalerConfig {
  enabled: boolean;
  host: string;
  port: number;
  heartbeatMs: number;
}

/** Starts the scaler when the config enables it (and says where it listens); undefined otherwise. */
export async function startConfiguredScaler(
  source: ScalerSource,
  config: ScalerConfig,
  logger: { info(fields: object, message: string): void },
): Promise<ExternalScaler | undefined> {
  if (!config.enabled) return undefined;
  const scaler = await startExternalScaler({
    source,
    host: config.host,
    port: config.port,
    heartbeatMs: config.heartbeatMs,
  });
  logger.info({ port: scaler.port }, 'KEDA external scaler listening');
  return scaler;
}
