// testkit: a cluster's state in a few lines, for the error of a wait that timed out. A CI log then says
// whether the pods were never created, never scheduled, never given an IP, or never made Ready, and what
// the pod runner and kwok were doing, without the run folder (removed after a healthy run).

import type { StartedProcess } from '../core/server.ts';
import type { KubeClient } from './kube-client.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
}
interface Meta {
  name: string;
  namespace?: string;
}
interface List<T> {
  items?: T[];
}
interface Node {
  metadata: Meta;
  spec?: { taints?: { key: string; effect: string }[] };
  status?: { conditions?: Condition[] };
}
interface Deployment {
  metadata: Meta;
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number };
}
interface Pod {
  metadata: Meta & { deletionTimestamp?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: Condition[] };
}
interface Event {
  involvedObject?: { kind?: string; name?: string };
  reason?: string;
  message?: string;
  count?: number;
}

/** kwok logs JSON lines; keep what says something (time, level, message, the object, any error). */
function compact(line: string): string {
  try {
    const {
      time,
      level,
      msg,
      source: _source,
      id: _id,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    return `${time} ${level} ${msg} ${JSON.stringify(rest)}`.slice(0, 300);
  } catch {
    return line.slice(0, 300);
  }
}

const CONTROL_PLANE = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);

const conditionOf = (conditions: Condition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type)?.status ?? '-';

async function list<T>(client: KubeClient, path: string): Promise<T[]> {
  const response = await client.request<List<T>>('GET', path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
  return response.body.items ?? [];
}

/** Nodes, Deployments, pods, the last events, and the kwok and pod-runner log tails. */
export async function describeCluster(
  client: KubeClient,
  processes: readonly StartedProcess[],
): Promise<string> {
  const lines: string[] = ['cluster state:'];
  const section = async (title: string, render: () => Promise<string[]>) => {
    try {
      const rows = await render();
      lines.push(`  ${title}:${rows.length === 0 ? ' none' : ''}`, ...rows.map((r) => `    ${r}`));
    } catch (error) {
      lines.push(`  ${title}: (${String(error)})`);
    }
  };
  await section('nodes', async () =>
    (await list<Node>(client, '/api/v1/nodes')).map(
      (n) =>
        `${n.metadata.name} Ready=${conditionOf(n.status?.conditions, 'Ready')}` +
        (n.spec?.taints?.length
          ? ` taints=${n.spec.taints.map((t) => `${t.key}:${t.effect}`).join(',')}`
          : ''),
    ),
  );
  await section('deployments', async () =>
    (await list<Deployment>(client, '/apis/apps/v1/deployments')).map(
      (d) =>
        `${d.metadata.namespace}/${d.metadata.name} want=${d.spec?.replicas ?? '-'} have=${d.status?.replicas ?? 0} ready=${d.status?.readyReplicas ?? 0}`,
    ),
  );
  await section('pods', async () =>
    (await list<Pod>(client, '/api/v1/pods')).map(
      (p) =>
        `${p.metadata.namespace}/${p.metadata.name} node=${p.spec?.nodeName ?? '-'} phase=${p.status?.phase ?? '-'} ip=${p.status?.podIP ?? '-'} Ready=${conditionOf(p.status?.conditions, 'Ready')}${p.metadata.deletionTimestamp ? ' deleting' : ''}`,
    ),
  );
  await section('last events', async () =>
    (await list<Event>(client, '/api/v1/events?limit=500'))
      .slice(-15)
      .map(
        (e) =>
          `${e.involvedObject?.kind}/${e.involvedObject?.name} ${e.reason}: ${(e.message ?? '').slice(0, 200)}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`,
      ),
  );
  for (const started of processes) {
    const name = started.process.name;
    if (CONTROL_PLANE.has(name)) {
      // klog: keep the warnings and errors ("W1124 ...", "E1124 ...") among the recent lines.
      const worrying = started.process
        .tail(300)
        .split('\n')
        .filter((l) => /^[EW]\d{4} /.test(l))
        .slice(-6);
      lines.push(
        `  ${name} (running=${started.process.isRunning()}) recent warnings and errors:${worrying.length ? '' : ' none'}`,
        ...worrying.map((l) => `    ${l.slice(0, 300)}`),
      );
      continue;
    }
    if (name !== 'kwok' && name !== 'pod-runner') continue;
    lines.push(
      `  ${name} log (last lines, running=${started.process.isRunning()}):`,
      ...started.process
        .tail(15)
        .split('\n')
        .filter(Boolean)
        .map((l) => `    ${compact(l)}`),
    );
  }
  return lines.join('\n');
}
