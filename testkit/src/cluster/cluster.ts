// testkit: startCluster(): a real control plane, optionally kwok nodes with a pod runner, and KEDA.

import { rmSync } from 'node:fs';
import { makeRunDir } from '../core/paths.ts';
import { waitUntil } from '../core/processes.ts';
import type { StartedProcess } from '../core/server.ts';
import { runCanaryPod } from './canary.ts';
import { startControlPlane } from './control-plane.ts';
import { describeCluster } from './diagnose.ts';
import { startKeda } from './keda.ts';
import type { KubeClient } from './kube-client.ts';
import { writeServiceAccountKubeconfig } from './kubeconfig.ts';
import { startKwok } from './kwok.ts';
import type { PodKind } from './pod-command.ts';
import { startPodRunner } from './pod-runner.ts';

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Start kwok with fake nodes and the pod runner (default true). */
  kwok?: boolean;
  /** Start the KEDA operator and metrics adapter (default false). */
  keda?: boolean;
  /** Number of fake nodes (default 2). */
  nodes?: number;
  /** Pod IP range in 127.0.0.0/8 (default: a random /24, see `startKwok`). */
  podCidr?: string;
  /** Pod-runner kinds to add or replace (annotation `testkit.switchyard.dev/run: <kind>`). */
  podKinds?: Record<string, PodKind>;
  /** HPA sync period (default 2 s). */
  hpaSyncPeriodSeconds?: number;
}

/** A running cluster. */
export interface Cluster {
  /** Admin kubeconfig path (client certificate in group system:masters). */
  kubeconfig: string;
  /** `https://127.0.0.1:<port>` */
  serverUrl: string;
  /** CA certificate (PEM file) of the API server. */
  caCert: string;
  /** Folder with PKI, kubeconfigs and every component's log. */
  dir: string;
  /** Names of the kwok nodes (empty without kwok). */
  nodeNames: string[];
  /** An admin REST client. */
  client: KubeClient;
  /** Creates (if needed) a ServiceAccount, requests a token for it and writes a kubeconfig using it. */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  /**
   * The cluster's state in a few lines for a failed wait: nodes, Deployments, pods (node, phase, IP,
   * readiness), recent events, control-plane warnings and errors, and the tails of the kwok and pod-runner
   * logs. Pass it as `waitUntil`'s `diagnose`.
   */
  diagnose(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and optionally kwok + pod runner and KEDA. */
export async function startCluster(options: StartClusterOptions = {}): Promise<Cluster> {
  const dir = makeRunDir('cluster');
  const plane = await startControlPlane({
    dir,
    ...(options.hpaSyncPeriodSeconds ? { hpaSyncPeriodSeconds: options.hpaSyncPeriodSeconds } : {}),
  });
  const stoppers: (() => Promise<void>)[] = [() => plane.stop()];
  const processes: StartedProcess[] = [...plane.processes];
  const stop = async (keepLogs = false) => {
    // Logs are kept when any component had died by itself; otherwise the whole folder goes.
    const healthy = processes.every((p) => p.process.isRunning());
    for (const stopOne of [...stoppers].reverse()) await stopOne();
    if (healthy && !keepLogs && process.env.SWITCHYARD_KEEP_LOGS !== '1')
      rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`[testkit] cluster logs kept in ${dir}\n`);
  };
  const client = plane.client;
  try {
    // The default ServiceAccount appears once the controller manager runs; pods need it to be admitted.
    await waitUntil(
      async () =>
        (await client.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
      {
        what: 'default ServiceAccount',
        timeoutMs: 60_000,
      },
    );
    let nodeNames: string[] = [];
    if (options.kwok ?? true) {
      const kwok = await startKwok({
        dir,
        kubeconfig: plane.kubeconfig,
        client,
        ...(options.nodes !== undefined ? { nodes: options.nodes } : {}),
        ...(options.podCidr ? { podCidr: options.podCidr } : {}),
      });
      stoppers.push(() => kwok.process.stop());
      processes.push(kwok.process);
      nodeNames = kwok.nodeNames;
      const runner = await startPodRunner({
        dir,
        kubeconfig: plane.kubeconfig,
        ...(options.podKinds ? { kinds: options.podKinds } : {}),
      });
      stoppers.push(() => runner.stop());
      processes.push(runner);
      await runCanaryPod(client, { diagnose: () => describeCluster(client, processes) });
    }
    if (options.keda) {
      const keda = await startKeda({ dir, kubeconfig: plane.kubeconfig, client });
      stoppers.push(() => keda.stop());
      processes.push(...keda.processes);
    }
    return {
      kubeconfig: plane.kubeconfig,
      serverUrl: plane.serverUrl,
      caCert: plane.caCert,
      dir,
      nodeNames,
      client,
      stop: () => stop(),
      diagnose: () => describeCluster(client, processes),
      serviceAccountKubeconfig: (namespace, name) =>
        writeServiceAccountKubeconfig(client, plane.serverUrl, plane.caCert, dir, namespace, name),
    };
  } catch (error) {
    await stop(true);
    throw error;
  }
}
