// The one fixture interface the registry's real-server suites use: an S3 server and a DynamoDB server,
// however they were started. `startRegistryServers` picks where they run the way the testkit picks its
// provider (SWITCHYARD_PROVIDER, else testcontainers when a Docker engine answers, else local processes):
// local-servers.ts starts versitygw and DynamoDB Local as processes, container-servers.ts from their
// images. Suites receive the same shape either way and never ask which.
import { chooseProvider, isDockerReachable, type ProviderName } from '@switchyard/testkit';
import { createAwsClients } from '../aws/clients.ts';
import { type RegistryConfig, registryConfigSchema } from '../config.ts';
import { createRegistryContext, type RegistryContext } from '../context.ts';
import { startContainerRegistryServers } from './container-servers.ts';
import { startLocalRegistryServers } from './local-servers.ts';

/** An endpoint with the credentials it accepts. */
export interface ServerEndpoint {
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Running servers for registry tests. */
export interface RegistryServers {
  s3: ServerEndpoint & {
    /**
     * Folder of the posix backend on this machine (`<dataDir>/<bucket>/<key>`), for suites that damage
     * objects behind the server's back; a container's is a bind-mounted host folder.
     */
    dataDir?: string;
  };
  dynamodb: ServerEndpoint;
  stop(): Promise<void>;
}

/** What decides where the servers run; every field defaults to this machine's answer. */
export interface RegistryServersChoice {
  /** `local`, `testcontainers` or `auto` (default: the SWITCHYARD_PROVIDER environment variable). */
  requested?: string | undefined;
  /** Whether a Docker engine answers (default: the testkit pings DOCKER_HOST or /var/run/docker.sock). */
  dockerReachable?: () => Promise<boolean>;
}

/** Where the servers will run: an explicit request wins, `auto` means containers only when Docker answers. */
export async function selectRegistryServers(choice: RegistryServersChoice = {}): Promise<ProviderName> {
  const requested = 'requested' in choice ? choice.requested : process.env.SWITCHYARD_PROVIDER;
  return chooseProvider({
    requested,
    dockerReachable: await (choice.dockerReachable ?? isDockerReachable)(),
  });
}

/** How each provider starts the servers (injectable for tests). */
export type RegistryServersStarters = Record<ProviderName, () => Promise<RegistryServers>>;

const defaultStarters: RegistryServersStarters = {
  local: () => startLocalRegistryServers(),
  testcontainers: () => startContainerRegistryServers(),
};

/** Starts the servers where selectRegistryServers says; the suites' one entry point. */
export async function startRegistryServers(
  choice: RegistryServersChoice & { starters?: Partial<RegistryServersStarters> } = {},
): Promise<RegistryServers> {
  const provider = await selectRegistryServers(choice);
  return (choice.starters?.[provider] ?? defaultStarters[provider])();
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
