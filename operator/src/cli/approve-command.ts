/**
 * `llmctl approve <model>`: promotes the candidate that passed analysis when the rollout waits for a
 * human (`rollout.autoPromote: false`), by annotating the ModelDeployment with the preview revision.
 */
import { ServingAnnotation } from '@switchyard/api';
import { Command } from 'commander';
import { Resources } from '../k8s/objects.ts';
import { findModelDeployment, OperatorCliError } from './find-model-deployments.ts';
import { addKubeOptions, kubeFor, type OperatorCliOptions } from './status-command.ts';

/** `approve <model>` for llmctl. */
export function approveCommand(options: OperatorCliOptions = {}): Command {
  const io = options.io ?? { stdout: (t: string) => process.stdout.write(t), stderr: () => {}, isTTY: false };
  return addKubeOptions(new Command('approve'))
    .description('switch traffic to the analysed candidate of a manual (autoPromote: false) rollout')
    .argument('<model>', 'ModelDeployment name or served model name')
    .action(async (model: string, _opts, cmd: Command) => {
      const kube = kubeFor(cmd, options);
      const md = await findModelDeployment(kube, model, cmd.opts<{ namespace?: string }>().namespace);
      const preview = md.status?.previewRevision;
      if (!preview)
        throw new OperatorCliError(`${md.metadata.name} has no candidate waiting for promotion`, 4);
      await kube.patch(
        {
          ...Resources.modelDeployments,
          namespace: md.metadata.namespace ?? 'default',
          name: md.metadata.name,
        },
        { metadata: { annotations: { [ServingAnnotation.promoteRevision]: preview } } },
      );
      io.stdout(`${md.metadata.name}: approved ${preview}\n`);
    });
}
