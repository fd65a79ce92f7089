// testkit: the servers `testkit up` can start, each turned into environment variables for the env file.

import { startCluster } from '../cluster/cluster.ts';
import { startDynamoDbLocal } from '../servers/dynamodb-local.ts';
import { startJaeger } from '../servers/jaeger.ts';
import { startPrometheus } from '../servers/prometheus.ts';
import { startRedis } from '../servers/redis.ts';
import { startVersitygw } from '../servers/versitygw.ts';

/** A server started for `up`: the variables that locate it. */
export interface StackEntry {
  env: Record<string, string>;
}

/** Server name → how to start it and describe it as environment variables. */
export const STACK_SERVERS: Record<string, () => Promise<StackEntry>> = {
  redis: async () => {
    const s = await startRedis();
    return { env: { REDIS_URL: s.url } };
  },
  prometheus: async () => {
    const s = await startPrometheus();
    return { env: { PROMETHEUS_URL: s.url } };
  },
  'dynamodb-local': async () => {
    const s = await startDynamoDbLocal();
    return {
      env: {
        DYNAMODB_ENDPOINT: s.url,
        DYNAMODB_REGION: s.region,
        DYNAMODB_ACCESS_KEY_ID: s.credentials.accessKeyId,
        DYNAMODB_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      },
    };
  },
  versitygw: async () => {
    const s = await startVersitygw();
    return {
      env: {
        S3_ENDPOINT: s.url,
        S3_REGION: s.region,
        S3_ACCESS_KEY_ID: s.credentials.accessKeyId,
        S3_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
      },
    };
  },
  jaeger: async () => {
    const s = await startJaeger();
    return { env: { OTEL_EXPORTER_OTLP_ENDPOINT: s.otlpHttpUrl, JAEGER_QUERY_URL: s.queryUrl } };
  },
  cluster: async () => {
    const c = await startCluster({ kwok: true });
    return { env: { KUBECONFIG: c.kubeconfig, KUBE_SERVER_URL: c.serverUrl } };
  },
  // The cluster with KEDA on top; `up` starts this instead of `cluster` when both are asked for.
  keda: async () => {
    const c = await startCluster({ kwok: true, keda: true });
    return { env: { KUBECONFIG: c.kubeconfig, KUBE_SERVER_URL: c.serverUrl } };
  },
};
