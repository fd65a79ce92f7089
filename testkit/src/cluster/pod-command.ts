// testkit: decides which local process stands in for a pod: the pure part of the pod runner.

/** Annotation that marks a pod for the pod runner; its value names a kind, e.g. `sim` or `echo`. */
export const POD_RUN_ANNOTATION = 'testkit.switchyard.dev/run';

/**
 * How to start the process of one kind. In `command` and `args`, `{podIP}`, `{port}`, `{podName}`,
 * `{namespace}` and `{repo}` are replaced, and an `args` element that is exactly `{args}` expands to the
 * container's own args.
 */
export interface PodKind {
  command: string;
  args: string[];
}

/** The pod fields the runner reads. */
export interface RunnablePod {
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: {
    containers?: {
      name?: string;
      args?: string[];
      ports?: { name?: string; containerPort: number }[];
      env?: { name: string; value?: string }[];
      readinessProbe?: {
        httpGet?: { path?: string; port: number | string };
        tcpSocket?: { port: number | string };
        failureThreshold?: number;
      };
    }[];
  };
  status?: {
    podIP?: string;
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; ready?: boolean }[];
  };
}

/**
 * How the runner probes a pod's process before it marks the pod Ready, as a kubelet would; a Ready pod
 * turns unready after `failureThreshold` failed probes in a row (the probe's own, default 3 as in Kubernetes).
 */
export type ReadinessCheck = { host: string; port: number; failureThreshold: number } & (
  | { kind: 'http'; path: string }
  | { kind: 'tcp' }
);

/** A process to start for a pod. */
export interface PodProcess {
  command: string;
  args: string[];
  env: Record<string, string>;
  host: string;
  port: number;
  /** The container's readiness probe (HTTP or TCP); a TCP connect to `port` when it declares none. */
  readiness: ReadinessCheck;
}

/** Port used when the pod's container declares none. */
export const DEFAULT_POD_PORT = 8000;

/** True when the pod is Running with an IP and is not being deleted: its containers have started. */
export function isPodStarted(pod: RunnablePod): boolean {
  if (pod.metadata.deletionTimestamp || !pod.status?.podIP) return false;
  return pod.status.phase === 'Running';
}

/** Whether the pod's Ready condition is True. */
export function isPodReady(pod: RunnablePod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

type Container = NonNullable<NonNullable<RunnablePod['spec']>['containers']>[number];

/** A probe port: a number, or the name of one of the container's ports. */
function probePort(container: Container | undefined, port: number | string, fallback: number): number {
  if (typeof port === 'number') return port;
  const named = container?.ports?.find((p) => p.name === port)?.containerPort;
  return named ?? (Number.parseInt(port, 10) || fallback);
}

function readinessCheck(container: Container | undefined, host: string, port: number): ReadinessCheck {
  const probe = container?.readinessProbe;
  const failureThreshold = probe?.failureThreshold ?? 3;
  if (probe?.httpGet)
    return {
      kind: 'http',
      host,
      port: probePort(container, probe.httpGet.port, port),
      path: probe.httpGet.path ?? '/',
      failureThreshold,
    };
  if (probe?.tcpSocket)
    return { kind: 'tcp', host, port: probePort(container, probe.tcpSocket.port, port), failureThreshold };
  return { kind: 'tcp', host, port, failureThreshold };
}

/**
 * The process for a marked pod whose containers have started (kwok makes such pods Running but not
 * Ready; the runner sets Ready once `readiness` passes); undefined for pods the runner leaves alone.
 */
export function podProcess(
  pod: RunnablePod,
  kinds: Record<string, PodKind>,
  repo: string,
): PodProcess | undefined {
  const kindName = pod.metadata.annotations?.[POD_RUN_ANNOTATION];
  if (!kindName || !isPodStarted(pod)) return undefined;
  const kind = kinds[kindName];
  if (!kind) return undefined;
  const containers = pod.spec?.containers ?? [];
  const container = containers.find((c) => c.ports?.length) ?? containers[0];
  const host = pod.status!.podIP!;
  const port = container?.ports?.[0]?.containerPort ?? DEFAULT_POD_PORT;
  const values: Record<string, string> = {
    podIP: host,
    port: String(port),
    podName: pod.metadata.name,
    namespace: pod.metadata.namespace ?? 'default',
    repo,
  };
  const fill = (text: string) =>
    text.replace(/\{(podIP|port|podName|namespace|repo)\}/g, (_, key: string) => values[key]!);
  const args = kind.args.flatMap((arg) => (arg === '{args}' ? (container?.args ?? []) : [fill(arg)]));
  const env: Record<string, string> = {};
  for (const variable of container?.env ?? [])
    if (variable.value !== undefined) env[variable.name] = variable.value;
  Object.assign(env, {
    POD_NAME: values.podName!,
    POD_NAMESPACE: values.namespace!,
    POD_IP: host,
    PORT: String(port),
  });
  return {
    command: fill(kind.command),
    args,
    env,
    host,
    port,
    readiness: readinessCheck(container, host, port),
  };
}
