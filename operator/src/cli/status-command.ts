/**
 * `llmctl status <model>`: where traffic goes (active revision and version, ready pods), the rollout in
 * progress, every revision, the conditions, and the last analysis with each check.
 */
import { type ModelDeploymentStatus, ServingLabel } from '@switchyard/api';
import type { CliIo } from '@switchyard/registry';
import { Command, Option } from 'commander';
import type { KubeApi } from '../k8s/kube-api.ts';
import { createKubeApi } from '../k8s/rest-client.ts';
import {
  findModelDeployment,
  type ListedModelDeployment,
  OperatorCliError,
} from './find-model-deployments.ts';
import { hasKubernetesConfig } from './hooks-from-env.ts';

/** How operator commands reach the cluster; tests inject `kube`. */
export interface OperatorCliOptions {
  io?: CliIo;
  env?: Readonly<Record<string, string | undefined>>;
  kube?: KubeApi;
}

/** Adds `--kubeconfig` and `--namespace` and `--output`. */
export function addKubeOptions(command: Command): Command {
  return command
    .option('--kubeconfig <file>', 'kubeconfig (env KUBECONFIG; in a pod: in-cluster)')
    .option('-n, --namespace <ns>', 'namespace of the ModelDeployment (default: search all)')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    );
}

/** The KubeApi a command uses. */
export function kubeFor(command: Command, options: OperatorCliOptions): KubeApi {
  if (options.kube) return options.kube;
  const kubeconfig = (command.opts().kubeconfig as string | undefined) ?? options.env?.KUBECONFIG;
  // Without any configuration the client would fall back to http://localhost:8080 and fail obscurely.
  if (!kubeconfig && !hasKubernetesConfig({ ...options.env, LLMCTL_KUBERNETES: undefined })) {
    throw new OperatorCliError(
      'no Kubernetes configuration found: pass --kubeconfig, set KUBECONFIG, or run in a pod',
      2,
    );
  }
  return createKubeApi(kubeconfig ? { kubeconfig } : {});
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
};

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** The status as text. */
export function renderStatus(md: ListedModelDeployment, readyPods: number): string {
  const s: ModelDeploymentStatus = md.status ?? {};
  const lines = [
    `${md.metadata.namespace}/${md.metadata.name}  model ${md.spec.model}`,
    `traffic: ${s.activeRevision ? `${s.activeRevision} (${s.activeVersion ?? '?'}), ${readyPods} ready pod(s)` : 'none yet'}`,
    `target:  ${s.targetVersion ?? '?'}${s.previewRevision ? `, preview ${s.previewRevision}` : ''}${s.abortedRevision ? `, aborted ${s.abortedRevision}` : ''}`,
    '',
    table(
      ['REVISION', 'VERSION', 'ROLE', 'READY', 'SCALE-DOWN'],
      (s.revisions ?? []).map((r) => [
        r.name,
        r.version,
        r.role,
        `${r.readyReplicas}/${r.replicas}`,
        r.scaleDownAt ?? '',
      ]),
    ),
    '',
    table(
      ['CONDITION', 'STATUS', 'REASON', 'MESSAGE'],
      (s.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]),
    ),
  ];
  if (s.lastAnalysis) {
    const a = s.lastAnalysis;
    lines.push('', `analysis of ${a.revision}: ${a.phase} (${a.finishedAt})`);
    lines.push(
      table(
        ['CHECK', 'RESULT', 'VALUE', 'THRESHOLD'],
        a.checks.map((c) => [
          c.name,
          c.passed ? 'pass' : 'FAIL',
          c.value === undefined ? '' : String(Number(c.value.toFixed(4))),
          c.threshold === undefined ? '' : String(c.threshold),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `status <model>` for llmctl. */
export function statusCommand(options: OperatorCliOptions = {}): Command {
  const io = options.io ?? processIo;
  return addKubeOptions(new Command('status'))
    .description('revisions, conditions, analysis and traffic of a ModelDeployment')
    .argument('<model>', 'ModelDeployment name or served model name')
    .action(async (model: string, _opts, cmd: Command) => {
      const kube = kubeFor(cmd, options);
      const opts = cmd.opts<{ namespace?: string; output: 'table' | 'json' }>();
      const md = await findModelDeployment(kube, model, opts.namespace);
      const active = md.status?.activeRevision;
      let readyPods = 0;
      if (active) {
        const pods = await kube.list<{
          apiVersion: string;
          kind: string;
          metadata: { name: string };
          status?: { conditions?: { type: string; status: string }[] };
        }>(
          { group: '', version: 'v1', plural: 'pods', namespace: md.metadata.namespace ?? 'default' },
          { labelSelector: `${ServingLabel.revision}=${active}` },
        );
        readyPods = pods.items.filter((p) =>
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ).length;
      }
      io.stdout(
        opts.output === 'json'
          ? `${JSON.stringify({ name: md.metadata.name, namespace: md.metadata.namespace, model: md.spec.model, readyPods, status: md.status ?? {} }, null, 2)}\n`
          : renderStatus(md, readyPods),
      );
    });
}
