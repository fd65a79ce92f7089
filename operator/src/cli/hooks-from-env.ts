/**
 * The registry hooks llmctl mounts, chosen from the environment: with a Kubernetes configuration in reach
 * (`KUBECONFIG`, in-cluster, or `~/.kube/config`) promote and rollback also move the ModelDeployments that
 * follow the channel; without one they move the registry only. The client is created on the first move,
 * so commands that never move a channel never touch Kubernetes.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ChannelMoveHook } from '@switchyard/registry';
import { createKubeApi } from '../k8s/rest-client.ts';
import { modelDeploymentHook } from './channel-hook.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** True when a Kubernetes configuration is available to llmctl. */
export function hasKubernetesConfig(env: Env): boolean {
  if (env.LLMCTL_KUBERNETES === 'off') return false;
  if (env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(join(env.HOME ?? homedir(), '.kube', 'config'));
}

/**
 * Hooks for `registryCommands({ hooks })`. Environment: `LLMCTL_KUBERNETES=off` disables them;
 * `LLMCTL_KUBE_NAMESPACE` limits them to one namespace; `LLMCTL_WAIT_SECONDS` (default 0) waits that long
 * for traffic to reach the new version before the command returns.
 */
export function kubernetesHooks(env: Env): ChannelMoveHook[] {
  if (!hasKubernetesConfig(env)) return [];
  let hook: ChannelMoveHook | undefined;
  return [
    {
      name: 'kubernetes ModelDeployment',
      afterChannelMove(move) {
        hook ??= modelDeploymentHook({
          kube: createKubeApi(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG.split(':')[0]! } : {}),
          ...(env.LLMCTL_KUBE_NAMESPACE ? { namespace: env.LLMCTL_KUBE_NAMESPACE } : {}),
          waitMs: Number(env.LLMCTL_WAIT_SECONDS ?? 0) * 1000,
        });
        return hook.afterChannelMove(move);
      },
    },
  ];
}
