// The one fixture interface the registry's real-server suites use: an S3 server and a DynamoDB server,
// however they were started. `startLocalRegistryServers` starts them as local processes through the
// testkit (versitygw + DynamoDB Local); a testcontainers-backed starter can return the same shape.
import { ensureInstalled, startDynamoDbLocal, startVersitygw } from '@switchyard/testkit';
import { createAwsClients } from '../aws/clients.ts';
import { type RegistryConfig, registryConfigSchema } from '../config.ts';
import { createRegistryContext, type RegistryContext } from '../context.ts';

/** An endpoint with the credentials it accepts. */
export interface ServerEndpoint {
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Running servers for registry tests. */
export interface RegistryServers {
  s3: ServerEndpoint & {
    /** Folder of the posix backend (`<dataDir>/<bucket>/<key>`), when the server is a local process. */
    dataDir?: string;
  };
  dynamodb: ServerEndpoint;
  stop(): Promise<void>;
}

/** Components the local starter needs; installed once by the project's global setup. */
export const registryServerComponents = ['versitygw', 'dynamodb-local'] as const;

/** Installs (when missing) and starts versitygw and DynamoDB Local on free loopback ports. */
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

/** A validated config pointing at the servers; `overrides` for bucket, table, part size and the like. */
export function configFor(servers: RegistryServers, overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  return registryConfigSchema.parse({
    s3EndpointUrl: servers.s3.url,
    dynamodbEndpointUrl: servers.dynamodb.url,
    region: servers.s3.region,
    maxAttempts: 3,
    retryBaseDelayMs: 20,
    ...overrides,
  });
}

/** A context on the servers with their credentials. */
export function contextFor(
  servers: RegistryServers,
  overrides: Partial<RegistryConfig> = {},
): RegistryContext {
  const config = configFor(servers, overrides);
  return createRegistryContext(
    config,
    createAwsClients(config, { s3: servers.s3.credentials, dynamodb: servers.dynamodb.credentials }),
  );
}

/**
 * Environment for running llmctl against the servers. DynamoDB Local accepts any credentials, so the
 * S3 server's pair serves both through the standard AWS_* variables.
 */
export function envFor(
  servers: RegistryServers,
  names: { bucket: string; table: string },
): Record<string, string> {
  return {
    LLMCTL_S3_ENDPOINT: servers.s3.url,
    LLMCTL_DYNAMODB_ENDPOINT: servers.dynamodb.url,
    LLMCTL_BUCKET: names.bucket,
    LLMCTL_TABLE: names.table,
    LLMCTL_ACTOR: 'test@registry',
    LLMCTL_MAX_ATTEMPTS: '3',
    AWS_REGION: servers.s3.region,
    AWS_ACCESS_KEY_ID: servers.s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: servers.s3.credentials.secretAccessKey,
  };
}
