// testkit: public API: install, cache, start and stop real servers as local processes for tests.

export { median, percentile } from './bench/median.ts';
export type { NginxProxyOptions } from './bench/nginx.ts';
export { nginxProxyConfig } from './bench/nginx.ts';
export type { WrkResult } from './bench/wrk.ts';
export { runWrk, wrkScript } from './bench/wrk.ts';
export type { Cluster, StartClusterOptions } from './cluster/cluster.ts';
export { startCluster } from './cluster/cluster.ts';
export type { KubeCredentials, KubeObject, KubeResponse } from './cluster/kube-client.ts';
export { KubeClient, kubeClientFromKubeconfig } from './cluster/kube-client.ts';
export type { PodKind } from './cluster/pod-command.ts';
export { POD_RUN_ANNOTATION } from './cluster/pod-command.ts';
export { DEFAULT_POD_KINDS } from './cluster/pod-runner.ts';
export { TestkitError } from './core/errors.ts';
export { freePort, freePorts } from './core/ports.ts';
export { keepProcessesAfterExit, waitUntil } from './core/processes.ts';
export type { ComponentName } from './install/components.ts';
export { COMPONENT_NAMES } from './install/components.ts';
export type { EnsureInstalledOptions, InstallResult } from './install/ensure.ts';
export { ensureInstalled } from './install/ensure.ts';
export type { ServerProvider } from './providers/provider.ts';
export { selectProvider } from './providers/provider.ts';
export type { ProviderName } from './providers/select.ts';
export { chooseProvider, isDockerReachable } from './providers/select.ts';
export type { DynamoDbLocalServer, StartDynamoDbLocalOptions } from './servers/dynamodb-local.ts';
export { startDynamoDbLocal } from './servers/dynamodb-local.ts';
export type { JaegerServer, JaegerSpan, JaegerTrace, StartJaegerOptions } from './servers/jaeger.ts';
export { startJaeger } from './servers/jaeger.ts';
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
export {
  DYNAMODB_LOCAL_VERSION,
  ETCD_VERSION,
  HELM_VERSION,
  JAEGER_VERSION,
  KEDA_VERSION,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  VERSITYGW_VERSION,
} from './versions.ts';
