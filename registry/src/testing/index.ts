// Test helpers of the registry, for its own suites and for llmctl's: the real-server fixture and model
// directory generation. Not part of the runtime API (import `@switchyard/registry/testing`).
export type { GeneratedFile } from './model-dir.ts';
export { writeModelDir } from './model-dir.ts';
export type { RegistryServers, ServerEndpoint } from './registry-servers.ts';
export {
  configFor,
  contextFor,
  envFor,
  registryServerComponents,
  startLocalRegistryServers,
} from './registry-servers.ts';
