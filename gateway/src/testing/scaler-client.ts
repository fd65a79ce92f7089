/** A KEDA-side gRPC client of the external scaler, built from KEDA's proto, for tests. */
import type { Client, ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { credentials } from '@grpc/grpc-js';
import { loadExternalScalerService } from '../scaler/proto.ts';

/** Node-style callback of a unary call. */
export type Callback<T> = (err: ServiceError | null, res: T) => void;

/** The calls KEDA makes. */
export interface ScalerClient extends Client {
  IsActive(ref: object, cb: Callback<{ result: boolean }>): void;
  GetMetricSpec(
    ref: object,
    cb: Callback<{ metricSpecs: { metricName: string; targetSize: number; targetSizeFloat: number }[] }>,
  ): void;
  GetMetrics(
    req: object,
    cb: Callback<{ metricValues: { metricName: string; metricValue: number; metricValueFloat: number }[] }>,
  ): void;
  StreamIsActive(ref: object): ClientReadableStream<{ result: boolean }>;
}

/** Promisifies one unary call. */
export const call = <T>(fn: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));

/** A ScaledObject reference as KEDA sends it. */
export const scaledObjectRef = (metadata: Record<string, string>, name = 'llama') => ({
  name,
  namespace: 'ml',
  scalerMetadata: metadata,
});

/** Connects to a scaler on loopback. */
export function scalerClient(port: number): ScalerClient {
  const Service = loadExternalScalerService();
  return new Service(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as ScalerClient;
}
