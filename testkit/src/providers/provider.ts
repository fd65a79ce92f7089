// testkit: the interface both providers (local processes, testcontainers) implement, and its selection.

import type { Cluster, StartClusterOptions } from '../cluster/cluster.ts';
import type { DynamoDbLocalServer } from '../servers/dynamodb-local.ts';
import type { JaegerServer } from '../servers/jaeger.ts';
import type { PrometheusServer, StartPrometheusOptions } from '../servers/prometheus.ts';
import type { RedisServer } from '../servers/redis.ts';
import type { VersitygwServer } from '../servers/versitygw.ts';
import { chooseProvider, isDockerReachable, type ProviderName } from './select.ts';

/** Starts the same servers with the same result shapes, wherever they run. */
export interface ServerProvider {
  name: ProviderName;
  startRedis(): Promise<RedisServer>;
  startPrometheus(options?: StartPrometheusOptions): Promise<PrometheusServer>;
  startDynamoDbLocal(): Promise<DynamoDbLocalServer>;
  /** An S3 server: versitygw locally, versitygw's image in a container. */
  startS3(): Promise<VersitygwServer>;
  startJaeger(): Promise<JaegerServer>;
  startCluster(options?: StartClusterOptions): Promise<Cluster>;
}

/**
 * The provider for this machine: testcontainers when a Docker engine answers (or `SWITCHYARD_PROVIDER`
 * asks for it), local processes otherwise.
 */
export async function selectProvider(requested = process.env.SWITCHYARD_PROVIDER): Promise<ServerProvider> {
  const name = chooseProvider({ requested, dockerReachable: await isDockerReachable() });
  if (name === 'testcontainers') return (await import('./testcontainers.ts')).testcontainersProvider;
  return (await import('./local.ts')).localProvider;
}
