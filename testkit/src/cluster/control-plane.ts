// testkit: etcd + kube-apiserver + kube-controller-manager + kube-scheduler as local processes,
// started the way envtest starts them: generated PKI, client-certificate kubeconfigs, RBAC on.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../core/ports.ts';
import { insecureHttpsOk } from '../core/probes.ts';
import { type StartedProcess, startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';
import { type KubeClient, kubeClientFromKubeconfig } from './kube-client.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { type CertPair, createCa, createServiceAccountKeys, issueCert } from './pki.ts';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Folder for PKI, kubeconfigs, etcd data and logs. */
  dir: string;
  /** HPA sync period in seconds (default 2, so autoscaling tests run quickly). */
  hpaSyncPeriodSeconds?: number;
}

/** A running control plane. */
export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  serverUrl: string;
  /** Admin (system:masters) kubeconfig. */
  kubeconfig: string;
  /** CA that signed the serving and client certificates (PEM file). */
  caCert: string;
  ca: CertPair;
  etcdUrl: string;
  /** An admin client. */
  client: KubeClient;
  processes: StartedProcess[];
  stop(): Promise<void>;
}

const SERVICE_CIDR = '10.96.0.0/16';

/** Starts etcd, then the API server, then the controller manager and scheduler; resolves when all are healthy. */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const kube = component('kube');
  const apiserverBin = requireBinary(kube, 'kube-apiserver');
  const kcmBin = requireBinary(kube, 'kube-controller-manager');
  const schedulerBin = requireBinary(kube, 'kube-scheduler');
  const etcdBin = requireBinary(component('etcd'), 'etcd');

  const dir = options.dir;
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const [etcdPort, etcdPeerPort, apiPort, kcmPort, schedPort] = (await freePorts(5)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const host = '127.0.0.1';
  const serverUrl = `https://${host}:${apiPort}`;

  const ca = createCa(pki, 'ca', 'testkit-ca');
  const frontProxyCa = createCa(pki, 'front-proxy-ca', 'testkit-front-proxy-ca');
  const serving = issueCert(pki, ca, {
    name: 'apiserver',
    commonName: 'kube-apiserver',
    dnsNames: [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
    ips: [host, '10.96.0.1'],
  });
  const frontProxyClient = issueCert(pki, frontProxyCa, {
    name: 'front-proxy-client',
    commonName: 'front-proxy-client',
  });
  const sa = createServiceAccountKeys(pki);
  const clients = {
    admin: issueCert(pki, ca, {
      name: 'admin',
      commonName: 'testkit-admin',
      organizations: ['system:masters'],
    }),
    kcm: issueCert(pki, ca, { name: 'controller-manager', commonName: 'system:kube-controller-manager' }),
    scheduler: issueCert(pki, ca, { name: 'scheduler', commonName: 'system:kube-scheduler' }),
  };
  const kubeconfig = join(dir, 'admin.kubeconfig');
  const kcmKubeconfig = join(dir, 'controller-manager.kubeconfig');
  const schedulerKubeconfig = join(dir, 'scheduler.kubeconfig');
  writeKubeconfig(kubeconfig, serverUrl, ca.cert, 'testkit-admin', clients.admin);
  writeKubeconfig(kcmKubeconfig, serverUrl, ca.cert, 'system:kube-controller-manager', clients.kcm);
  writeKubeconfig(schedulerKubeconfig, serverUrl, ca.cert, 'system:kube-scheduler', clients.scheduler);

  const started: StartedProcess[] = [];
  const stopAll = async () => {
    for (const proc of [...started].reverse()) await proc.stop();
  };
  try {
    const etcdUrl = `http://${host}:${etcdPort}`;
    started.push(
      await startProcess({
        name: 'etcd',
        command: etcdBin,
        runDir: dir,
        args: () => [
          '--name=testkit',
          `--data-dir=${join(dir, 'etcd-data')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://${host}:${etcdPeerPort}`,
          `--initial-advertise-peer-urls=http://${host}:${etcdPeerPort}`,
          `--initial-cluster=testkit=http://${host}:${etcdPeerPort}`,
          '--unsafe-no-fsync=true',
          '--quota-backend-bytes=2147483648',
          '--log-level=warn',
        ],
        ready: async () => {
          try {
            const response = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(2000) });
            return ((await response.json()) as { health?: string }).health === 'true';
          } catch {
            return false;
          }
        },
        cleanup: false,
      }),
    );
    const client = kubeClientFromKubeconfig(kubeconfig);
    started.push(
      await startProcess({
        name: 'kube-apiserver',
        command: apiserverBin,
        runDir: dir,
        args: () => [
          `--etcd-servers=${etcdUrl}`,
          `--bind-address=${host}`,
          `--advertise-address=${host}`,
          `--secure-port=${apiPort}`,
          `--cert-dir=${pki}`,
          `--tls-cert-file=${serving.cert}`,
          `--tls-private-key-file=${serving.key}`,
          `--client-ca-file=${ca.cert}`,
          '--authorization-mode=Node,RBAC',
          `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
          `--service-account-key-file=${sa.publicKey}`,
          `--service-account-signing-key-file=${sa.privateKey}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--allow-privileged=true',
          '--endpoint-reconciler-type=none',
          '--enable-priority-and-fairness=false',
          '--profiling=false',
          // Aggregation layer, so APIServices (KEDA's external metrics) are proxied with a front-proxy identity.
          `--requestheader-client-ca-file=${frontProxyCa.cert}`,
          '--requestheader-allowed-names=front-proxy-client',
          '--requestheader-extra-headers-prefix=X-Remote-Extra-',
          '--requestheader-group-headers=X-Remote-Group',
          '--requestheader-username-headers=X-Remote-User',
          `--proxy-client-cert-file=${frontProxyClient.cert}`,
          `--proxy-client-key-file=${frontProxyClient.key}`,
        ],
        ready: async () => (await client.request('GET', '/readyz')).status === 200,
        readyTimeoutMs: 90_000,
        cleanup: false,
      }),
    );
    const hpaSync = options.hpaSyncPeriodSeconds ?? 2;
    const results = await Promise.allSettled([
      startProcess({
        name: 'kube-controller-manager',
        command: kcmBin,
        runDir: dir,
        args: () => [
          `--kubeconfig=${kcmKubeconfig}`,
          `--authentication-kubeconfig=${kcmKubeconfig}`,
          `--authorization-kubeconfig=${kcmKubeconfig}`,
          `--bind-address=${host}`,
          `--secure-port=${kcmPort}`,
          '--leader-elect=false',
          '--use-service-account-credentials=true',
          `--service-account-private-key-file=${sa.privateKey}`,
          `--root-ca-file=${ca.cert}`,
          `--cluster-signing-cert-file=${ca.cert}`,
          `--cluster-signing-key-file=${ca.key}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--allocate-node-cidrs=false',
          `--horizontal-pod-autoscaler-sync-period=${hpaSync}s`,
          '--horizontal-pod-autoscaler-downscale-stabilization=5s',
          '--profiling=false',
        ],
        ready: () => insecureHttpsOk(`https://${host}:${kcmPort}/healthz`),
        cleanup: false,
      }),
      startProcess({
        name: 'kube-scheduler',
        command: schedulerBin,
        runDir: dir,
        args: () => [
          `--kubeconfig=${schedulerKubeconfig}`,
          `--authentication-kubeconfig=${schedulerKubeconfig}`,
          `--authorization-kubeconfig=${schedulerKubeconfig}`,
          `--bind-address=${host}`,
          `--secure-port=${schedPort}`,
          '--leader-elect=false',
          '--profiling=false',
        ],
        ready: () => insecureHttpsOk(`https://${host}:${schedPort}/healthz`),
        cleanup: false,
      }),
    ]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    for (const result of results) if (result.status === 'rejected') throw result.reason;
    return {
      serverUrl,
      kubeconfig,
      caCert: ca.cert,
      ca,
      etcdUrl,
      client,
      processes: started,
      async stop() {
        client.close();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
