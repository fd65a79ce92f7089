// The local-process side of the registry's test servers: versitygw and DynamoDB Local built and cached by the
// testkit and started on free loopback ports.
import { ensureInstalled, startDynamoDbLocal, startVersitygw } from '@switchyard/testkit';
import type { RegistryServers } from './registry-servers.ts';

/** Components the local starter needs; installed once by the project's global setup. */
export const registryServerComponents = ['versitygw', 'dynamodb-local'] as const;

/** Installs (when missing) and starts versitygw (posix backend, versioning on) and DynamoDB Local. */
export async function startLocalRegistryServers(): Promise<RegistryServers> {
  await ensureInstalled([...registryServerComponents]);
  const [s3, dynamodb] = await Promise.all([startVersitygw(), startDynamoDbLocal()]);
  return {
    s3: { url: s3.url, region: s3.region, credentials: s3.credentials, dataDir: s3.dataDir },
    dynamodb: { url: dynamodb.url, region: dynamodb.region, credentials: dynamodb.credentials },
    async stop() {
      await Promise.allSettled([s3.stop(), dynamodb.stop()]);
    },
  };
}
