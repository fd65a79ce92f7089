// testkit: the testcontainers provider, for machines with a Docker engine: the same server shapes,
// backed by pinned images (k3s for the cluster; kwok and KEDA stay local-provider features).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import { parse } from 'yaml';
import type { Cluster } from '../cluster/cluster.ts';
import { describeCluster } from '../cluster/diagnose.ts';
import { kubeClientFromKubeconfig } from '../cluster/kube-client.ts';
import { writeServiceAccountKubeconfig } from '../cluster/kubeconfig.ts';
import { TestkitError } from '../core/errors.ts';
import { runRoot } from '../core/paths.ts';
import type { JaegerTrace } from '../servers/jaeger.ts';
import { prometheusConfig, queryPrometheus } from '../servers/prometheus.ts';
import type { ServerProvider } from './provider.ts';

/** Images used when a Docker engine is available. */
export const IMAGES = {
  redis: 'redis:7.0.15',
  prometheus: 'prom/prometheus:v2.53.4',
  dynamodbLocal: 'amazon/dynamodb-local:2.6.1',
  versitygw: 'versity/versitygw:v1.8.0',
  jaeger: 'jaegertracing/jaeger:2.13.0',
  k3s: 'rancher/k3s:v1.34.4-k3s1',
} as const;

const HOST_GATEWAY = [{ host: 'host.docker.internal', ipAddress: 'host-gateway' }];

async function tc() {
  return import('testcontainers');
}

function stopper(container: StartedTestContainer): () => Promise<void> {
  return async () => {
    await container.stop();
  };
}

/** Servers in containers. */
export const testcontainersProvider: ServerProvider = {
  name: 'testcontainers',

  async startRedis() {
    const { GenericContainer, Wait } = await tc();
    const c = await new GenericContainer(IMAGES.redis)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    const host = c.getHost();
    const port = c.getMappedPort(6379);
    return { url: `redis://${host}:${port}`, host, port, logFile: '', stop: stopper(c) };
  },

  async startPrometheus(options = {}) {
    const { GenericContainer, Wait } = await tc();
    const interval = options.scrapeIntervalSeconds ?? 1;
    const toContainer = (target: string) =>
      target.replace(/^(127\.0\.0\.1|localhost)/, 'host.docker.internal');
    const jobs = (
      options.scrapeJobs ?? (options.targets ? [{ jobName: 'testkit', targets: options.targets }] : [])
    ).map((job) => ({ ...job, targets: job.targets.map(toContainer) }));
    const c = await new GenericContainer(IMAGES.prometheus)
      .withExposedPorts(9090)
      .withExtraHosts(HOST_GATEWAY)
      .withCopyContentToContainer([
        { content: prometheusConfig(jobs, interval), target: '/etc/prometheus/prometheus.yml' },
      ])
      .withCommand(['--config.file=/etc/prometheus/prometheus.yml', '--web.enable-lifecycle'])
      .withWaitStrategy(Wait.forHttp('/-/ready', 9090))
      .start();
    const host = c.getHost();
    const port = c.getMappedPort(9090);
    const url = `http://${host}:${port}`;
    return {
      url,
      host,
      port,
      configFile: '/etc/prometheus/prometheus.yml',
      promtool: 'promtool',
      logFile: '',
      query: (promql) => queryPrometheus(url, promql),
      async setScrapeJobs(newJobs) {
        const mapped = newJobs.map((job) => ({ ...job, targets: job.targets.map(toContainer) }));
        await c.copyContentToContainer([
          { content: prometheusConfig(mapped, interval), target: '/etc/prometheus/prometheus.yml' },
        ]);
        await fetch(`${url}/-/reload`, { method: 'POST' });
      },
      stop: stopper(c),
    };
  },

  async startDynamoDbLocal() {
    const { GenericContainer, Wait } = await tc();
    const c = await new GenericContainer(IMAGES.dynamodbLocal)
      .withExposedPorts(8000)
      .withCommand(['-jar', 'DynamoDBLocal.jar', '-inMemory'])
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    const host = c.getHost();
    const port = c.getMappedPort(8000);
    return {
      url: `http://${host}:${port}`,
      host,
      port,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testkit', secretAccessKey: 'testkit' },
      logFile: '',
      stop: stopper(c),
    };
  },

  async startS3() {
    const { GenericContainer, Wait } = await tc();
    const credentials = {
      accessKeyId: `TK${randomBytes(9).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(24).toString('base64url'),
    };
    const c = await new GenericContainer(IMAGES.versitygw)
      .withExposedPorts(7070)
      .withEntrypoint(['/bin/sh', '-c'])
      .withCommand([
        `mkdir -p /data /versions && exec versitygw --access ${credentials.accessKeyId} --secret ${credentials.secretAccessKey} --port :7070 posix --versioning-dir /versions /data`,
      ])
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
    const host = c.getHost();
    const port = c.getMappedPort(7070);
    return {
      url: `http://${host}:${port}`,
      host,
      port,
      region: 'us-east-1',
      credentials,
      dataDir: '/data',
      logFile: '',
      stop: stopper(c),
    };
  },

  async startJaeger() {
    const { GenericContainer, Wait } = await tc();
    const c = await new GenericContainer(IMAGES.jaeger)
      .withExposedPorts(4317, 4318, 16686)
      .withWaitStrategy(Wait.forHttp('/api/services', 16686))
      .start();
    const host = c.getHost();
    const queryUrl = `http://${host}:${c.getMappedPort(16686)}`;
    return {
      otlpHttpUrl: `http://${host}:${c.getMappedPort(4318)}`,
      otlpGrpcAddress: `${host}:${c.getMappedPort(4317)}`,
      queryUrl,
      host,
      logFile: '',
      async getTrace(traceId) {
        const response = await fetch(`${queryUrl}/api/traces/${traceId}`);
        if (response.status === 404) return undefined;
        return ((await response.json()) as { data?: JaegerTrace[] }).data?.[0];
      },
      stop: stopper(c),
    };
  },

  async startCluster(options = {}): Promise<Cluster> {
    if (options.keda || options.kwok) {
      throw new TestkitError(
        'k3s',
        'start',
        'kwok and KEDA are provided by the local provider only; set SWITCHYARD_PROVIDER=local or start without them',
      );
    }
    const { GenericContainer, Wait } = await tc();
    const c = await new GenericContainer(IMAGES.k3s)
      .withPrivilegedMode()
      .withExposedPorts(6443)
      .withCommand(['server', '--disable=traefik', '--tls-san=127.0.0.1'])
      .withWaitStrategy(Wait.forLogMessage('Node controller sync successful'))
      .start();
    const dir = mkdtempSync(join(runRoot(), 'k3s-'));
    const raw = (await c.exec(['cat', '/etc/rancher/k3s/k3s.yaml'])).output;
    const serverUrl = `https://${c.getHost()}:${c.getMappedPort(6443)}`;
    const kubeconfig = join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfig, raw.replace(/server: https:\/\/[^\s]+/, `server: ${serverUrl}`), {
      mode: 0o600,
    });
    const config = parse(raw) as { clusters: { cluster: { 'certificate-authority-data': string } }[] };
    const caCert = join(dir, 'ca.crt');
    writeFileSync(caCert, Buffer.from(config.clusters[0]!.cluster['certificate-authority-data'], 'base64'));
    const client = kubeClientFromKubeconfig(kubeconfig);
    return {
      kubeconfig,
      serverUrl,
      caCert,
      dir,
      nodeNames: [],
      client,
      serviceAccountKubeconfig: (namespace, name) =>
        writeServiceAccountKubeconfig(client, serverUrl, caCert, dir, namespace, name),
      diagnose: () => describeCluster(client, []),
      async stop() {
        client.close();
        await c.stop();
      },
    };
  },
};
