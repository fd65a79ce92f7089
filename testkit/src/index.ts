// testkit: public API: install, cache, start and stop real servers as local processes for tests.

export { TestkitError } from './core/errors.ts';
export { freePort, freePorts } from './core/ports.ts';
export { keepProcessesAfterExit } from './core/processes.ts';
export type { ComponentName } from './install/components.ts';
export { COMPONENT_NAMES } from './install/components.ts';
export type { EnsureInstalledOptions, InstallResult } from './install/ensure.ts';
export { ensureInstalled } from './install/ensure.ts';
export type { DynamoDbLocalServer, StartDynamoDbLocalOptions } from './servers/dynamodb-local.ts';
export { startDynamoDbLocal } from './servers/dynamodb-local.ts';
export type {
  PrometheusServer,
  PromSample,
  ScrapeJob,
  StartPrometheusOptions,
} from './servers/prometheus.ts';
export { startPrometheus } from './servers/prometheus.ts';
export type { RedisServer, StartRedisOptions } from './servers/redis.ts';
export { startRedis } from './servers/redis.ts';
export type { StartVersitygwOptions, VersitygwServer } from './servers/versitygw.ts';
export { startVersitygw } from './servers/versitygw.ts';
