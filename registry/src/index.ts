// @switchyard/registry: checksummed, immutable model versions in S3, indexed in DynamoDB, with channels,
// promote/rollback transactions and an audit trail; plus the llmctl commands that drive them.
export type { AwsClients } from './aws/clients.ts';
export { backoffDelayMs, createAwsClients, registryRetryStrategy } from './aws/clients.ts';
export type { AuditStep, ChannelMove, ChannelMoveHook } from './channels/channel-move.ts';
export { pickRollbackTarget } from './channels/channel-move.ts';
export type { MoveOptions, MoveResult } from './channels/move-channel.ts';
export { promote, rollback } from './channels/move-channel.ts';
export type { RegistryCliOptions } from './cli/connection.ts';
export type { CliIo, OutputFormat } from './cli/output.ts';
export { processIo } from './cli/output.ts';
export { registryCommands } from './cli/registry-commands.ts';
export type { RegistryConfig, RegistryFlags } from './config.ts';
export { loadRegistryConfig, registryConfigSchema } from './config.ts';
export type { RegistryContext } from './context.ts';
export { createRegistryContext } from './context.ts';
export type { RegistryErrorKind } from './errors.ts';
export { exitCodeByKind, isRegistryError, RegistryError } from './errors.ts';
export type { FetchOptions, FetchResult } from './fetch/fetch-version.ts';
export { fetchVersion } from './fetch/fetch-version.ts';
export type { InitResult } from './init.ts';
export { initRegistry } from './init.ts';
export {
  buildManifest,
  canonicalJson,
  computeManifestDigest,
  parseManifest,
  serializeManifest,
} from './manifest/manifest.ts';
export type { Manifest, ManifestFile } from './manifest/schema.ts';
export { manifestSchema } from './manifest/schema.ts';
export type { PublishOptions, PublishResult } from './publish/publish.ts';
export { publishVersion } from './publish/publish.ts';
export type { LoadedVersion } from './read-version.ts';
export { loadManifest, loadVersion, resolveVersionRef } from './read-version.ts';
export type { AuditRecord, ChannelRecord, ModelRecord, VersionRecord } from './store/records.ts';
export { getChannel, getVersion, listAudit, listChannels, listModels, listVersions } from './store/table.ts';
export type { VerifiedFile, VerifyReport } from './verify.ts';
export { verifyVersion } from './verify.ts';
