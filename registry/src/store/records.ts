// Item types of the registry table, validated with zod when read so typed values flow inward.
import { z } from 'zod';

/** A published version: exists only once every byte and the manifest are in S3. */
export const versionRecordSchema = z.object({
  type: z.literal('version'),
  model: z.string(),
  version: z.string(),
  /** Bucket prefix this version's objects live under. */
  prefix: z.string(),
  manifestKey: z.string(),
  manifestDigest: z.string(),
  fileCount: z.number(),
  totalBytes: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  metadata: z.record(z.string(), z.string()),
  deprecated: z.boolean().default(false),
  deprecatedReason: z.string().optional(),
});
/** A version record. */
export type VersionRecord = z.infer<typeof versionRecordSchema>;

/** A channel pointer; `revision` rises by one on every move and guards concurrent moves. */
export const channelRecordSchema = z.object({
  type: z.literal('channel'),
  model: z.string(),
  channel: z.string(),
  version: z.string(),
  revision: z.number(),
  updatedBy: z.string(),
  updatedAt: z.string(),
});
/** A channel record. */
export type ChannelRecord = z.infer<typeof channelRecordSchema>;

/** The audit entry written in the same transaction as a channel move. */
export const auditRecordSchema = z.object({
  type: z.literal('audit'),
  model: z.string(),
  channel: z.string(),
  revision: z.number(),
  action: z.enum(['promote', 'rollback']),
  fromVersion: z.string().optional(),
  toVersion: z.string(),
  actor: z.string(),
  at: z.string(),
  reason: z.string().optional(),
});
/** An audit record. */
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** One item per model for listing. */
export const modelRecordSchema = z.object({
  type: z.literal('model'),
  model: z.string(),
  createdAt: z.string(),
  latestVersion: z.string().optional(),
  versionCount: z.number().default(0),
});
/** A model index record. */
export type ModelRecord = z.infer<typeof modelRecordSchema>;
