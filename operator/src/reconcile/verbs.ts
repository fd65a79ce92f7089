/**
 * The blue-green verbs the planner composes: each decides one step of a rollout on the plan draft
 * (actions, status fields, conditions) and nothing else.
 */
import { ConditionReason as R, ConditionType as T } from '@switchyard/api';
import type { RevisionObservation } from './observed.ts';
import { findRevision, type PlanDraft, setDraftCondition } from './plan-draft.ts';

/** How often to look again while waiting on pods (watch events usually come first). */
export const WAIT_REQUEUE_MS = 2_000;

/** Makes sure the candidate exists with `replicas`; true once that many are available. */
export function ensureCandidate(
  d: PlanDraft,
  name: string,
  rev: RevisionObservation | undefined,
  replicas: number,
): boolean {
  const o = d.observed;
  if (!rev) {
    if (o.target.ok)
      d.actions.push({ type: 'createRevision', revision: name, version: o.target.version, replicas });
    d.requeueMs.push(WAIT_REQUEUE_MS);
    setDraftCondition(
      d,
      T.progressing,
      'True',
      R.revisionCreated,
      `created revision ${name} for ${d.status.targetVersion}`,
    );
    return false;
  }
  if (rev.availableReplicas >= replicas && rev.replicas >= replicas) return true;
  if (rev.replicas < replicas) d.actions.push({ type: 'scaleRevision', revision: name, replicas });
  const started = Date.parse(d.status.rolloutStartedAt ?? rev.createdAt ?? o.now.toISOString());
  const deadline = started + o.spec.rollout.progressDeadlineSeconds * 1000;
  if (o.now.getTime() >= deadline) {
    abortRollout(
      d,
      name,
      R.progressDeadlineExceeded,
      `${name} not available within ${o.spec.rollout.progressDeadlineSeconds}s (${rev.availableReplicas}/${replicas} available)`,
    );
    return false;
  }
  d.requeueMs.push(Math.min(WAIT_REQUEUE_MS, deadline - o.now.getTime()));
  setDraftCondition(
    d,
    T.progressing,
    'True',
    R.waitingForRevision,
    `waiting for ${name}: ${rev.availableReplicas}/${replicas} available`,
  );
  return false;
}

/** Gives up on a candidate: the active revision keeps serving, the candidate goes to zero. */
export function abortRollout(
  d: PlanDraft,
  name: string,
  reason: typeof R.analysisFailed | typeof R.progressDeadlineExceeded,
  message: string,
): void {
  d.status.abortedRevision = name;
  delete d.status.previewRevision;
  delete d.status.rolloutStartedAt;
  const rev = findRevision(d.observed, name);
  if (rev && rev.replicas > 0) d.actions.push({ type: 'scaleRevision', revision: name, replicas: 0 });
  setDraftCondition(d, T.degraded, 'True', reason, message);
  setDraftCondition(
    d,
    T.progressing,
    'False',
    R.rolloutAborted,
    `rollout to ${name} aborted; ${d.status.activeRevision ?? 'nothing'} stays active`,
  );
}

/** Stops a candidate that is no longer the target (scaled to zero by maintain). */
export function abandonPreview(d: PlanDraft): void {
  delete d.status.previewRevision;
  delete d.status.rolloutStartedAt;
}

/** Flips `activeRevision`; the old active stays warm until its scale-down time. */
export function switchTraffic(
  d: PlanDraft,
  name: string,
  reason: typeof R.trafficSwitched | typeof R.rollbackToWarmRevision,
): void {
  const o = d.observed;
  const previous = d.status.activeRevision;
  d.status.activeRevision = name;
  if (o.target.ok) d.status.activeVersion = o.target.version.version;
  d.status.lastSwitchAt = o.now.toISOString();
  delete d.status.previewRevision;
  delete d.status.rolloutStartedAt;
  delete d.status.abortedRevision;
  if (findRevision(o, name)?.scaleDownAt) {
    d.scaleDownAt.set(name, null);
    d.actions.push({ type: 'markScaleDown', revision: name, at: null });
  }
  if (previous) {
    const at = new Date(o.now.getTime() + o.spec.rollout.scaleDownDelaySeconds * 1000).toISOString();
    d.scaleDownAt.set(previous, at);
    d.actions.push({ type: 'markScaleDown', revision: previous, at });
  }
  // The first activation says what the steady state will say, so the next pass has nothing to rewrite.
  const message = previous
    ? `traffic switched from ${previous} to ${name}`
    : `${name} serves ${d.status.activeVersion}`;
  setDraftCondition(
    d,
    T.progressing,
    previous ? 'True' : 'False',
    previous ? reason : R.rolloutComplete,
    message,
  );
}
