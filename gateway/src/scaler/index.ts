/** The KEDA external scaler (gRPC) over the admission queue. */
export type { ExternalScaler, ExternalScalerOptions, ScalerSource } from './external-scaler.ts';
export { startExternalScaler } from './external-scaler.ts';
export type { GetMetricsRequest, ScaledObjectRef } from './proto.ts';
export { EXTERNAL_SCALER_PROTO, loadExternalScalerService } from './proto.ts';
