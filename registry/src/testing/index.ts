// Test helpers of the registry, for its own suites and for llmctl's: the real-server fixture (local processes
// or containers, behind one interface) and model directory generation. Not part of the runtime API (import
// `@switchyard/registry/testing`).
export type { ContainerFactory, ContainerSpec, StartedContainer } from './container-servers.ts';
export {
  dynamodbLocalContainer,
  registryImages,
  startContainerRegistryServers,
  versitygwContainer,
} from './container-servers.ts';
export { errorKindOf } from './error-kind.ts';
export { registryServerComponents, startLocalRegistryServers } from './local-servers.ts';
export type { GeneratedFile } from './model-dir.ts';
export { writeModelDir } from './model-dir.ts';
export type {
  RegistryServers,
  RegistryServersChoice,
  RegistryServersStarters,
  ServerEndpoint,
} from './registry-servers.ts';
export {
  configFor,
  contextFor,
  envFor,
  selectRegistryServers,
  startRegistryServers,
} from './registry-servers.ts';
