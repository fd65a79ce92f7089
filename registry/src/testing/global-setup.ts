// Vitest global setup of the registry project (and llmctl's): when the servers will run as local processes,
// install them once, before any test file starts them, so parallel test files never race to build the same
// binary. Containers need nothing here (testcontainers pulls images on first start).
import { ensureInstalled } from '@switchyard/testkit';
import { registryServerComponents } from './local-servers.ts';
import { selectRegistryServers } from './registry-servers.ts';

/** Installs versitygw and DynamoDB Local when missing (cached afterwards) if the local provider is chosen. */
export default async function setup(): Promise<void> {
  if ((await selectRegistryServers()) === 'local') await ensureInstalled([...registryServerComponents]);
}
