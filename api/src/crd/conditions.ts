/**
 * Status conditions of a ModelDeployment: the three types, the reasons each may carry (constants, so
 * tests, alerts and `llmctl status` cannot drift from the operator), and pure get/set helpers.
 */

/** Condition types on `status.conditions`. */
export const ConditionType = {
  /** The active revision has the replicas it should and serves traffic. */
  ready: 'Ready',
  /** A rollout is under way (True) or finished (False with reason `RolloutComplete`). */
  progressing: 'Progressing',
  /** Something needs a human: a rollout aborted, a version failed verification, a revision went away. */
  degraded: 'Degraded',
} as const;
export type ConditionTypeValue = (typeof ConditionType)[keyof typeof ConditionType];

/** Every reason the operator writes; each names one situation. */
export const ConditionReason = {
  // Ready
  revisionAvailable: 'RevisionAvailable',
  scaledToZero: 'ScaledToZero',
  revisionUnavailable: 'RevisionUnavailable',
  noActiveRevision: 'NoActiveRevision',
  // Progressing
  revisionCreated: 'RevisionCreated',
  waitingForRevision: 'WaitingForRevision',
  analysisRunning: 'AnalysisRunning',
  scalingUpCandidate: 'ScalingUpCandidate',
  awaitingPromotion: 'AwaitingPromotion',
  trafficSwitched: 'TrafficSwitched',
  rollbackToWarmRevision: 'RollbackToWarmRevision',
  rolloutComplete: 'RolloutComplete',
  rolloutAborted: 'RolloutAborted',
  paused: 'Paused',
  // Degraded
  asExpected: 'AsExpected',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  analysisFailed: 'AnalysisFailed',
  versionUnresolved: 'VersionUnresolved',
  manifestUnverified: 'ManifestUnverified',
  reconcileError: 'ReconcileError',
  deleting: 'Deleting',
} as const;
export type ConditionReasonValue = (typeof ConditionReason)[keyof typeof ConditionReason];

/** A Kubernetes-style condition (metav1.Condition). */
export interface Condition {
  type: ConditionTypeValue;
  status: 'True' | 'False' | 'Unknown';
  reason: ConditionReasonValue;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** The condition of `type`, or undefined. */
export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: ConditionTypeValue,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition of `type` exists with status `True`. */
export function isConditionTrue(
  conditions: readonly Condition[] | undefined,
  type: ConditionTypeValue,
): boolean {
  return getCondition(conditions, type)?.status === 'True';
}

/**
 * Returns `conditions` with `next` in place of the condition of the same type. The transition time is
 * kept when the status did not change, so it records when the state was entered, not the last write.
 */
export function setCondition(conditions: readonly Condition[] | undefined, next: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const previous = index >= 0 ? list[index] : undefined;
  const merged =
    previous && previous.status === next.status
      ? { ...next, lastTransitionTime: previous.lastTransitionTime }
      : next;
  if (index >= 0) list[index] = merged;
  else list.push(merged);
  const order: readonly string[] = [ConditionType.ready, ConditionType.progressing, ConditionType.degraded];
  return list.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}
