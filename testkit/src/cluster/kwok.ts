// testkit: kwok simulates the kubelets: fake nodes that stay Ready, pods that become Running and Ready
// with IPs from a loopback CIDR, so a process can listen on each pod's address. Pods the pod runner backs
// with a process become Running but unready; the runner sets Ready from their readiness probe
// (kwok-stages.yaml).

import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort } from '../core/ports.ts';
import { waitUntil } from '../core/processes.ts';
import { type StartedProcess, startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';
import type { KubeClient, KubeObject } from './kube-client.ts';

/** The annotation kwok manages nodes by. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** Options of {@link startKwok}. */
export interface KwokOptions {
  /** Folder for the log. */
  dir: string;
  kubeconfig: string;
  client: KubeClient;
  /** Fake nodes to create (default 2), named `kwok-node-<i>`. */
  nodes?: number;
  /**
   * Pod IP range; must be in 127.0.0.0/8 so processes can bind pod IPs. Default: a random /24 in
   * 127.100.0.0-127.227.255.0, so clusters started side by side (parallel test files) do not share pod IPs.
   */
  podCidr?: string;
}

/** Running kwok and the names of its nodes. */
export interface Kwok {
  process: StartedProcess;
  nodeNames: string[];
  podCidr: string;
}

function fakeNode(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    status: {
      allocatable: { cpu: '64', memory: '256Gi', pods: '250' },
      capacity: { cpu: '64', memory: '256Gi', pods: '250' },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
      },
    },
  };
}

interface NodeStatus {
  status?: { conditions?: { type: string; status: string }[] };
}

/** A random /24 of loopback addresses for one cluster's pods. */
export function randomPodCidr(): string {
  return `127.${100 + randomInt(128)}.${randomInt(256)}.0/24`;
}

/** Starts kwok against the cluster, creates fake nodes, and resolves once they are Ready. */
export async function startKwok(options: KwokOptions): Promise<Kwok> {
  const binary = requireBinary(component('kwok'), 'kwok');
  const podCidr = options.podCidr ?? randomPodCidr();
  const serverPort = await freePort();
  const proc = await startProcess({
    name: 'kwok',
    command: binary,
    runDir: options.dir,
    args: () => [
      `--kubeconfig=${options.kubeconfig}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      `--cidr=${podCidr}`,
      '--node-ip=127.0.0.1',
      `--server-address=127.0.0.1:${serverPort}`,
      '--node-lease-duration-seconds=40',
      `--config=${fileURLToPath(new URL('./kwok-stages.yaml', import.meta.url))}`,
    ],
    // kwok has no health endpoint of its own; it is ready when it keeps running and the nodes turn Ready.
    ready: async () => true,
    cleanup: false,
  });
  const nodeNames = Array.from({ length: options.nodes ?? 2 }, (_, i) => `kwok-node-${i}`);
  for (const name of nodeNames) {
    const path = await options.client.pathFor('v1', 'Node');
    const response = await options.client.request('POST', path, fakeNode(name));
    if (response.status >= 300 && response.status !== 409) {
      await proc.stop();
      throw new Error(`creating node ${name}: ${response.status} ${JSON.stringify(response.body)}`);
    }
  }
  await waitUntil(
    async () => {
      for (const name of nodeNames) {
        const node = await options.client.get<NodeStatus>(`/api/v1/nodes/${name}`);
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status !== 'True') return false;
      }
      return true;
    },
    { what: 'kwok nodes Ready', timeoutMs: 60_000, process: proc.process },
  );
  return { process: proc, nodeNames, podCidr };
}
