// Key layout of the registry table (one table, pk + sk strings) and of the bucket. Written once here so the
// doc (docs/registry.md), the code and the tests cannot drift apart.

/** Partition holding one item per model, so `list` is one Query. */
export const modelsPartition = 'MODELS';

/** Keys of the model index item. */
export function modelIndexKey(model: string) {
  return { pk: modelsPartition, sk: `MODEL#${model}` };
}

/** Partition of everything about one model: versions, channels, audit entries. */
export function modelPartition(model: string): string {
  return `MODEL#${model}`;
}

/** Keys of a version record. */
export function versionKey(model: string, version: string) {
  return { pk: modelPartition(model), sk: `VERSION#${version}` };
}

/** Keys of a channel pointer. */
export function channelKey(model: string, channel: string) {
  return { pk: modelPartition(model), sk: `CHANNEL#${channel}` };
}

/** Revisions are zero-padded so sort order is numeric order. */
export function auditKey(model: string, channel: string, revision: number) {
  return { pk: modelPartition(model), sk: `${auditPrefix(channel)}${String(revision).padStart(10, '0')}` };
}

/** Sort-key prefix of one channel's audit trail (or of all channels' when omitted). */
export function auditPrefix(channel?: string): string {
  return channel === undefined ? 'AUDIT#' : `AUDIT#${channel}#`;
}

/**
 * Each publish attempt uploads under its own prefix, so a failed or racing attempt never touches the bytes
 * a winning attempt's record points at: `models/<model>/<version>/<attempt>/`.
 */
export function versionObjectPrefix(model: string, version: string, attemptId: string): string {
  return `models/${model}/${version}/${attemptId}/`;
}

/** Object key of one file under a version prefix. */
export function fileObjectKey(prefix: string, path: string): string {
  return `${prefix}files/${path}`;
}

/** Object key of the manifest under a version prefix. */
export function manifestObjectKey(prefix: string): string {
  return `${prefix}manifest.json`;
}
