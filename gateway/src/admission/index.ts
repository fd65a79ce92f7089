/** Admission: per-model queue with deadlines, priority classes, token-weighted fair sharing, scale-from-zero holds. */
export type {
  AdmissionObserver,
  AdmissionQueue,
  AdmissionQueueOptions,
  AdmitRequest,
  ModelQueuePolicy,
  QueueStats,
  Ticket,
} from './admission-queue.ts';
export { createAdmissionQueue } from './admission-queue.ts';
export type { SaturationPolicy } from './capacity.ts';
export { hasReadyEndpoint, isSaturated, modelCapacity } from './capacity.ts';
export type { AdmissionConfig } from './config.ts';
export { admissionConfigSchema, policyFor, tenantClass } from './config.ts';
export type { AdmissionRejection } from './errors.ts';
export { AdmissionError } from './errors.ts';
export type { QueueEntry, WeightOf } from './fair-queue.ts';
export { FairQueue } from './fair-queue.ts';
