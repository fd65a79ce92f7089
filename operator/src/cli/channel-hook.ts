/**
 * The registry hook that follows channel moves into the cluster. After `llmctl promote` or `rollback`
 * commits in the registry, every ModelDeployment of that registry model that follows the channel moves:
 *   - `spec.registry.channel: <channel>`: stamped with the move, so the operator re-resolves at once;
 *   - `spec.registry.version` with annotation `serving.switchyard.dev/channel: <channel>`: its version is
 *     set to the new one.
 * With `waitMs`, it then waits until each has switched traffic (`status.activeVersion`), or failed.
 */
import { ConditionReason, getCondition } from '@switchyard/api';
import type { ChannelMove, ChannelMoveHook } from '@switchyard/registry';
import type { KubeApi } from '../k8s/kube-api.ts';
import { Resources } from '../k8s/objects.ts';
import {
  type ListedModelDeployment,
  listModelDeployments,
  OperatorCliError,
} from './find-model-deployments.ts';

/** Annotation a version-pinned ModelDeployment sets to follow a channel. */
export const FOLLOW_CHANNEL_ANNOTATION = 'serving.switchyard.dev/channel';
/** Annotation stamped on each move (`<channel>@<revision>`); a change makes the operator reconcile. */
export const CHANNEL_REVISION_ANNOTATION = 'serving.switchyard.dev/channel-revision';

/** Options of {@link modelDeploymentHook}. */
export interface ModelDeploymentHookOptions {
  kube: KubeApi;
  /** Only this namespace (default: all). */
  namespace?: string;
  /** Wait up to this long for traffic to move (0: do not wait). */
  waitMs?: number;
  /** Told what moved (the CLI prints it). */
  onMoved?: (md: ListedModelDeployment, version: string) => void;
}

/** True when `md` follows `move.channel` of `move.model`. */
export function followsChannel(
  md: ListedModelDeployment,
  move: Pick<ChannelMove, 'model' | 'channel'>,
): boolean {
  const registryModel = md.spec.registry.model ?? md.spec.model;
  if (registryModel !== move.model) return false;
  return (
    md.spec.registry.channel === move.channel ||
    md.metadata.annotations?.[FOLLOW_CHANNEL_ANNOTATION] === move.channel
  );
}

/** Waits until `md` serves `version` or its rollout aborted. */
export async function waitForActiveVersion(
  kube: KubeApi,
  md: ListedModelDeployment,
  version: string,
  timeoutMs: number,
): Promise<void> {
  const ref = {
    ...Resources.modelDeployments,
    namespace: md.metadata.namespace ?? 'default',
    name: md.metadata.name,
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await kube.get<ListedModelDeployment>(ref);
    const status = current?.status;
    if (status?.activeVersion === version && status.targetVersion === version) return;
    const degraded = getCondition(status?.conditions, 'Degraded');
    if (
      status?.targetVersion === version &&
      degraded?.status === 'True' &&
      degraded.reason !== ConditionReason.reconcileError
    ) {
      throw new OperatorCliError(`${md.metadata.name}: rollout to ${version} failed: ${degraded.message}`, 9);
    }
    if (Date.now() > deadline)
      throw new OperatorCliError(`${md.metadata.name}: not serving ${version} after ${timeoutMs} ms`, 9);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The hook to pass to `registryCommands({ hooks: [...] })`. */
export function modelDeploymentHook(options: ModelDeploymentHookOptions): ChannelMoveHook {
  return {
    name: 'kubernetes ModelDeployment',
    async afterChannelMove(move) {
      const all = await listModelDeployments(options.kube, options.namespace);
      const followers = all.filter((md) => followsChannel(md, move));
      for (const md of followers) {
        const ref = {
          ...Resources.modelDeployments,
          namespace: md.metadata.namespace ?? 'default',
          name: md.metadata.name,
        };
        const annotations = { [CHANNEL_REVISION_ANNOTATION]: `${move.channel}@${move.revision}` };
        const spec = md.spec.registry.channel ? {} : { spec: { registry: { version: move.toVersion } } };
        await options.kube.patch(ref, { metadata: { annotations }, ...spec });
        options.onMoved?.(md, move.toVersion);
      }
      if (options.waitMs) {
        await Promise.all(
          followers.map((md) => waitForActiveVersion(options.kube, md, move.toVersion, options.waitMs!)),
        );
      }
    },
  };
}
