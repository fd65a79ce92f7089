/** Loads KEDA's `externalscaler.proto` (shipped beside this file) for the server and for test clients. */
import { join } from 'node:path';
import type { GrpcObject, ServiceClientConstructor } from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** Path of the bundled proto. */
export const EXTERNAL_SCALER_PROTO = join(import.meta.dirname, 'externalscaler.proto');

/** The `externalscaler.ExternalScaler` service constructor (its `.service` is the definition). */
export function loadExternalScalerService(): ServiceClientConstructor {
  const definition = loadSync(EXTERNAL_SCALER_PROTO, { keepCase: true, longs: Number, defaults: true });
  const pkg = loadPackageDefinition(definition).externalscaler as GrpcObject;
  return pkg.ExternalScaler as ServiceClientConstructor;
}

/** `ScaledObjectRef` as KEDA sends it. */
export interface ScaledObjectRef {
  name: string;
  namespace: string;
  scalerMetadata: Record<string, string>;
}

/** `GetMetricsRequest`. */
export interface GetMetricsRequest {
  scaledObjectRef: ScaledObjectRef;
  metricName: string;
}
