/**
 * Finding the ModelDeployments a CLI command or a registry hook means: by resource name or by served
 * model name, and by registry model for channel moves.
 */
import type { ModelDeployment } from '@switchyard/api';
import type { KubeApi } from '../k8s/kube-api.ts';
import { type KubeObject, Resources } from '../k8s/objects.ts';

/** A ModelDeployment as listed. */
export type ListedModelDeployment = ModelDeployment & KubeObject;

/** An error for the CLI: one line and an exit code (4: not found, like the registry's). */
export class OperatorCliError extends Error {
  override name = 'OperatorCliError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** All ModelDeployments in `namespace` (all namespaces when undefined). */
export async function listModelDeployments(
  kube: KubeApi,
  namespace?: string,
): Promise<ListedModelDeployment[]> {
  const list = await kube.list<ListedModelDeployment>({
    ...Resources.modelDeployments,
    ...(namespace ? { namespace } : {}),
  });
  return list.items;
}

/** The one ModelDeployment named `model` or serving `model`; a clear error when none or several. */
export async function findModelDeployment(
  kube: KubeApi,
  model: string,
  namespace?: string,
): Promise<ListedModelDeployment> {
  const all = await listModelDeployments(kube, namespace);
  const byName = all.filter((md) => md.metadata.name === model);
  const matches = byName.length ? byName : all.filter((md) => md.spec.model === model);
  if (matches.length === 0) {
    throw new OperatorCliError(
      `no ModelDeployment named or serving ${model}${namespace ? ` in ${namespace}` : ''}`,
      4,
    );
  }
  if (matches.length > 1) {
    const where = matches.map((md) => `${md.metadata.namespace}/${md.metadata.name}`).join(', ');
    throw new OperatorCliError(`${model} matches several ModelDeployments (${where}); pass --namespace`, 2);
  }
  return matches[0]!;
}
