// testkit: the KEDA operator and metrics adapter as local processes, KEDA's CRDs applied, and the adapter
// registered as the external-metrics APIService so the HPA controller in kube-controller-manager scales.

import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePorts } from '../core/ports.ts';
import { httpOk } from '../core/probes.ts';
import { waitUntil } from '../core/processes.ts';
import { type StartedProcess, startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';
import type { KubeClient, KubeObject } from './kube-client.ts';
import { type CertPair, createCa, issueCert } from './pki.ts';

/** Namespace the KEDA objects live in. */
export const KEDA_NAMESPACE = 'keda';
const APISERVICE = 'v1beta1.external.metrics.k8s.io';

/** Options of {@link startKeda}. */
export interface KedaOptions {
  dir: string;
  kubeconfig: string;
  client: KubeClient;
}

/** Running KEDA. */
export interface Keda {
  processes: StartedProcess[];
  /** The operator's Prometheus metrics URL. */
  operatorMetricsUrl: string;
  stop(): Promise<void>;
}

interface Conditions {
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

function hasCondition(object: Conditions, type: string): boolean {
  return object.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** KEDA's gRPC link between adapter and operator is mutual TLS from one folder: ca.crt, tls.crt, tls.key. */
function writeKedaCerts(dir: string): string {
  const certDir = join(dir, 'keda-certs');
  mkdirSync(certDir, { recursive: true });
  const ca: CertPair = createCa(certDir, 'keda-ca', 'testkit-keda-ca');
  const pair = issueCert(certDir, ca, {
    name: 'keda',
    commonName: 'keda-operator',
    dnsNames: ['localhost', 'keda-operator', 'keda-operator.keda.svc', 'keda-metrics-apiserver.keda.svc'],
    ips: ['127.0.0.1'],
    usages: ['serverAuth', 'clientAuth'],
  });
  copyFileSync(ca.cert, join(certDir, 'ca.crt'));
  copyFileSync(pair.cert, join(certDir, 'tls.crt'));
  copyFileSync(pair.key, join(certDir, 'tls.key'));
  return certDir;
}

/** Applies KEDA's CRDs and waits until they are established. */
async function applyKedaCrds(client: KubeClient, crdDir: string): Promise<void> {
  const files = readdirSync(crdDir).filter((f) => f.endsWith('.yaml'));
  const names: string[] = [];
  for (const file of files) {
    const [crd] = await client.apply(readFileSync(join(crdDir, file), 'utf8'));
    if (crd) names.push(crd.metadata.name);
  }
  await waitUntil(
    async () => {
      for (const name of names) {
        const crd = await client.get<Conditions>(
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        );
        if (!hasCondition(crd, 'Established')) return false;
      }
      return true;
    },
    { what: 'KEDA CRDs established', timeoutMs: 30_000 },
  );
}

function apiRegistration(adapterPort: number): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'keda-metrics-apiserver', namespace: KEDA_NAMESPACE },
      // No kube-proxy here: the aggregator resolves an ExternalName service to its name and dials it directly.
      spec: {
        type: 'ExternalName',
        externalName: 'localhost',
        ports: [{ name: 'https', port: adapterPort }],
      },
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: APISERVICE },
      spec: {
        group: 'external.metrics.k8s.io',
        version: 'v1beta1',
        service: { namespace: KEDA_NAMESPACE, name: 'keda-metrics-apiserver', port: adapterPort },
        insecureSkipTLSVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
}

/** Starts KEDA against a running cluster; resolves when the external-metrics API answers through the apiserver. */
export async function startKeda(options: KedaOptions): Promise<Keda> {
  const keda = component('keda');
  const operatorBin = requireBinary(keda, 'operator');
  const adapterBin = requireBinary(keda, 'adapter');
  const crdDir = dirname(requireBinary(keda, 'crds'));
  const { client, dir, kubeconfig } = options;
  const host = '127.0.0.1';
  const [metricsPort, probePort, grpcPort, adapterPort, adapterMetricsPort] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: KEDA_NAMESPACE } });
  await applyKedaCrds(client, crdDir);
  const certDir = writeKedaCerts(dir);
  const env = {
    KUBECONFIG: kubeconfig,
    WATCH_NAMESPACE: '',
    POD_NAMESPACE: KEDA_NAMESPACE,
    POD_NAME: 'keda-operator-testkit',
    KEDA_CLUSTER_OBJECT_NAMESPACE: KEDA_NAMESPACE,
    KEDA_HTTP_DEFAULT_TIMEOUT: '3000',
  };
  const processes: StartedProcess[] = [];
  const stop = async () => {
    for (const proc of [...processes].reverse()) await proc.stop();
  };
  try {
    processes.push(
      await startProcess({
        name: 'keda-operator',
        command: operatorBin,
        runDir: dir,
        env,
        args: () => [
          `--kubeconfig=${kubeconfig}`,
          '--leader-elect=false',
          `--metrics-bind-address=${host}:${metricsPort}`,
          `--health-probe-bind-address=${host}:${probePort}`,
          `--metrics-service-bind-address=${host}:${grpcPort}`,
          `--cert-dir=${certDir}`,
          `--ca-dir=${certDir}`,
          '--enable-cert-rotation=false',
          '--enable-webhook-patching=false',
          '--enable-apiservice-patching=false',
          '--zap-log-level=info',
        ],
        ready: () => httpOk(`http://${host}:${probePort}/readyz`),
        readyTimeoutMs: 90_000,
        cleanup: false,
      }),
    );
    processes.push(
      await startProcess({
        name: 'keda-metrics-adapter',
        command: adapterBin,
        runDir: dir,
        env,
        args: () => [
          `--secure-port=${adapterPort}`,
          `--bind-address=${host}`,
          `--cert-dir=${certDir}`,
          `--tls-cert-file=${join(certDir, 'tls.crt')}`,
          `--tls-private-key-file=${join(certDir, 'tls.key')}`,
          `--lister-kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          `--metrics-service-address=${host}:${grpcPort}`,
          `--port=${adapterMetricsPort}`,
          '--v=1',
        ],
        ready: async () => true,
        readyTimeoutMs: 60_000,
        cleanup: false,
      }),
    );
    await client.apply(apiRegistration(adapterPort));
    await waitUntil(
      async () => {
        const apiService = await client.get<Conditions>(
          `/apis/apiregistration.k8s.io/v1/apiservices/${APISERVICE}`,
        );
        if (!hasCondition(apiService, 'Available')) return false;
        return (await client.request('GET', '/apis/external.metrics.k8s.io/v1beta1')).status === 200;
      },
      { what: 'external metrics APIService Available', timeoutMs: 90_000, process: processes[1]!.process },
    );
    return { processes, operatorMetricsUrl: `http://${host}:${metricsPort}/metrics`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
