// testkit: the local-process provider: every server is a process on this machine.

import { startCluster } from '../cluster/cluster.ts';
import { startDynamoDbLocal } from '../servers/dynamodb-local.ts';
import { startJaeger } from '../servers/jaeger.ts';
import { startPrometheus } from '../servers/prometheus.ts';
import { startRedis } from '../servers/redis.ts';
import { startVersitygw } from '../servers/versitygw.ts';
import type { ServerProvider } from './provider.ts';

/** Servers as local processes, built and cached by the installer. */
export const localProvider: ServerProvider = {
  name: 'local',
  startRedis: () => startRedis(),
  startPrometheus: (options) => startPrometheus(options),
  startDynamoDbLocal: () => startDynamoDbLocal(),
  startS3: () => startVersitygw(),
  startJaeger: () => startJaeger(),
  startCluster: (options) => startCluster(options),
};
