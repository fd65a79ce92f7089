// @switchyard/operator: reconciles ModelDeployments (blue-green rollouts with analysis, KEDA scaling),
// plus the llmctl commands and the registry hook that reach them.
export type { AnalysisInput, Analyzer } from './analysis/run-analysis.ts';
export { httpAnalyzer } from './analysis/run-analysis.ts';
export { approveCommand } from './cli/approve-command.ts';
export type { ModelDeploymentHookOptions } from './cli/channel-hook.ts';
export {
  CHANNEL_REVISION_ANNOTATION,
  FOLLOW_CHANNEL_ANNOTATION,
  modelDeploymentHook,
  waitForActiveVersion,
} from './cli/channel-hook.ts';
export { OperatorCliError } from './cli/find-model-deployments.ts';
export { hasKubernetesConfig, kubernetesHooks } from './cli/hooks-from-env.ts';
export type { OperatorCliOptions } from './cli/status-command.ts';
export { renderStatus, statusCommand } from './cli/status-command.ts';
export type { OperatorConfig } from './config.ts';
export { loadOperatorConfig } from './config.ts';
export type { Controller, ControllerOptions } from './controller.ts';
export { startController } from './controller.ts';
export type { KubeApi } from './k8s/kube-api.ts';
export type { KubeClientOptions } from './k8s/rest-client.ts';
export { createKubeApi } from './k8s/rest-client.ts';
export type { LeaderElectionOptions } from './leader/leader-election.ts';
export { LeaderElector } from './leader/leader-election.ts';
export type { Action, ObservedState, Plan } from './reconcile/observed.ts';
export { planBlueGreen } from './reconcile/plan.ts';
export type { VersionSource } from './versions/version-source.ts';
export { registryVersionSource, staticVersionSource } from './versions/version-source.ts';
