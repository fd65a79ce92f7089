// Vitest global setup of the registry project: install the two servers once, before any test file starts
// them, so parallel test files never race to build the same binary.
import { ensureInstalled } from '@switchyard/testkit';
import { registryServerComponents } from './registry-servers.ts';

/** Installs versitygw and DynamoDB Local when missing (cached afterwards). */
export default async function setup(): Promise<void> {
  await ensureInstalled([...registryServerComponents]);
}
