// The container side of the registry's test servers, for machines with a Docker engine: versitygw and
// DynamoDB Local from their images, at the versions the testkit builds locally, exposing endpoints and
// credentials exactly as the local starter does. What each container needs is plain data (ContainerSpec);
// one small factory turns it into a testcontainers GenericContainer, and tests can inject another.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DYNAMODB_LOCAL_VERSION, VERSITYGW_VERSION } from '@switchyard/testkit';
import type { RegistryServers, ServerEndpoint } from './registry-servers.ts';

/** Everything the fixture asks of the container engine for one server. */
export interface ContainerSpec {
  image: string;
  /** Arguments to the image's entrypoint. */
  command: string[];
  environment: Record<string, string>;
  exposedPorts: number[];
  /** Host folders mounted read-write into the container. */
  bindMounts: { source: string; target: string }[];
  /** `uid:gid` to run as, so files in bind mounts belong to the test's user; absent = the image's user. */
  user?: string;
  /** Ready once `GET path` on the container port answers `status`. */
  waitFor: { path: string; port: number; status: number };
  startupTimeoutMs: number;
}

/** A started container: where its ports are reachable from the test process. */
export interface StartedContainer {
  host: string;
  mappedPort(containerPort: number): number;
  stop(): Promise<void>;
}

/** Starts a container from its spec (testcontainers by default; fakes in unit tests). */
export type ContainerFactory = (spec: ContainerSpec) => Promise<StartedContainer>;

/** Images, pinned to the versions the testkit builds for the local starter. */
export const registryImages = {
  versitygw: `versity/versitygw:${VERSITYGW_VERSION}`,
  dynamodbLocal: `amazon/dynamodb-local:${DYNAMODB_LOCAL_VERSION}`,
} as const;

const region = 'us-east-1';
const versitygwPort = 7070;
const dynamodbPort = 8000;
/** Image pulls on a cold engine take most of this. */
const startupTimeoutMs = 180_000;
/** Where the bind-mounted scratch folder appears in the versitygw container (data and versions share it). */
const versitygwRoot = '/vgw';

/**
 * versitygw with the posix backend and bucket versioning, like the local starter. Data and versions live in
 * one bind-mounted folder (one mount, so versitygw can move files between them), owned by the test's user,
 * so suites can reach object files on the host (`dataDir`) to inject backend faults.
 */
export function versitygwContainer(options: {
  credentials: ServerEndpoint['credentials'];
  hostRoot: string;
  user?: string | undefined;
}): ContainerSpec {
  return {
    image: registryImages.versitygw,
    command: [
      '--port',
      `:${versitygwPort}`,
      'posix',
      '--versioning-dir',
      `${versitygwRoot}/versions`,
      `${versitygwRoot}/data`,
    ],
    environment: {
      ROOT_ACCESS_KEY_ID: options.credentials.accessKeyId,
      ROOT_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
      VGW_REGION: region,
    },
    exposedPorts: [versitygwPort],
    bindMounts: [{ source: options.hostRoot, target: versitygwRoot }],
    ...(options.user ? { user: options.user } : {}),
    // Unauthenticated requests get 403 once the gateway is up (as the local starter probes it).
    waitFor: { path: '/', port: versitygwPort, status: 403 },
    startupTimeoutMs,
  };
}

/** DynamoDB Local in memory (the image's entrypoint is `java`, its working folder holds the jar). */
export function dynamodbLocalContainer(): ContainerSpec {
  return {
    image: registryImages.dynamodbLocal,
    command: ['-jar', 'DynamoDBLocal.jar', '-inMemory', '-port', String(dynamodbPort)],
    environment: {},
    exposedPorts: [dynamodbPort],
    bindMounts: [],
    // An unsigned request gets 400 MissingAuthenticationToken once the server answers.
    waitFor: { path: '/', port: dynamodbPort, status: 400 },
    startupTimeoutMs,
  };
}

/** The real factory: a testcontainers GenericContainer built from the spec (imported only when used). */
export const testcontainersFactory: ContainerFactory = async (spec) => {
  const { GenericContainer, Wait } = await import('testcontainers');
  let container = new GenericContainer(spec.image)
    .withCommand(spec.command)
    .withEnvironment(spec.environment)
    .withExposedPorts(...spec.exposedPorts)
    .withBindMounts(spec.bindMounts.map((mount) => ({ ...mount, mode: 'rw' as const })))
    .withWaitStrategy(Wait.forHttp(spec.waitFor.path, spec.waitFor.port).forStatusCode(spec.waitFor.status))
    .withStartupTimeout(spec.startupTimeoutMs);
  if (spec.user) container = container.withUser(spec.user);
  const started = await container.start();
  return {
    host: started.getHost(),
    mappedPort: (port) => started.getMappedPort(port),
    async stop() {
      await started.stop();
    },
  };
};

/** The test process's `uid:gid`, where the platform has them. */
function currentUser(): string | undefined {
  return process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined;
}

/** Starts versitygw and DynamoDB Local in containers; the same shape as startLocalRegistryServers. */
export async function startContainerRegistryServers(
  options: { factory?: ContainerFactory } = {},
): Promise<RegistryServers> {
  const factory = options.factory ?? testcontainersFactory;
  const hostRoot = await mkdtemp(join(tmpdir(), 'registry-containers-'));
  const dataDir = join(hostRoot, 'data');
  await Promise.all([mkdir(dataDir), mkdir(join(hostRoot, 'versions'))]);
  const credentials = {
    accessKeyId: `TK${randomBytes(9).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const started = await Promise.allSettled([
    factory(versitygwContainer({ credentials, hostRoot, user: currentUser() })),
    factory(dynamodbLocalContainer()),
  ]);
  const stopAll = async () => {
    await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    await rm(hostRoot, { recursive: true, force: true });
  };
  const [s3, dynamodb] = started;
  if (s3?.status !== 'fulfilled' || dynamodb?.status !== 'fulfilled') {
    await stopAll();
    const failed = started.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    throw new Error(`registry servers in containers did not start: ${String(failed.reason)}`, {
      cause: failed.reason,
    });
  }
  const urlOf = (container: StartedContainer, port: number) =>
    `http://${container.host}:${container.mappedPort(port)}`;
  return {
    s3: { url: urlOf(s3.value, versitygwPort), region, credentials, dataDir },
    dynamodb: {
      url: urlOf(dynamodb.value, dynamodbPort),
      region,
      // DynamoDB Local accepts any credentials; these are the local starter's.
      credentials: { accessKeyId: 'testkit', secretAccessKey: 'testkit' },
    },
    stop: stopAll,
  };
}
