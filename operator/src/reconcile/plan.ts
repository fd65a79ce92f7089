/**
 * planBlueGreen: the pure heart of the operator. From what it observed of one ModelDeployment it decides
 * the next actions and the new status, as a set of small verbs (verbs.ts: ensureCandidate, abortRollout,
 * switchTraffic, abandonPreview), then the steady-state upkeep in maintain.ts. No I/O, no clock: the
 * observed state carries `now`, so every rollout state is table-tested without a cluster.
 */
import { getCondition, ConditionReason as R, ServingAnnotation, ConditionType as T } from '@switchyard/api';
import { maintain } from './maintain.ts';
import type { ObservedState, Plan } from './observed.ts';
import { findRevision, finishDraft, newDraft, type PlanDraft, setDraftCondition } from './plan-draft.ts';
import { abandonPreview, abortRollout, ensureCandidate, switchTraffic, WAIT_REQUEUE_MS } from './verbs.ts';

export { WAIT_REQUEUE_MS };

/** Decides what to do next for one ModelDeployment. */
export function planBlueGreen(o: ObservedState): Plan {
  const d = newDraft(o);
  if (o.deleting) return planDeletion(d);
  if (!o.hasFinalizer) d.actions.push({ type: 'addFinalizer' });
  if (o.status.activeRevision && !findRevision(o, o.status.activeRevision)) delete d.status.activeRevision;
  if (!o.target.ok) {
    setDraftCondition(d, T.degraded, 'True', o.target.reason, o.target.message);
    setDraftCondition(d, T.progressing, 'False', o.target.reason, `rollout stopped: ${o.target.message}`);
  } else if (o.spec.paused) {
    setDraftCondition(d, T.progressing, 'Unknown', R.paused, 'spec.paused is set; rollouts wait');
  } else {
    planRollout(d, o.target.revision);
  }
  maintain(d);
  return finishDraft(d);
}

function planRollout(d: PlanDraft, target: string): void {
  const o = d.observed;
  const active = d.status.activeRevision;
  const candidate = findRevision(o, target);
  if (o.target.ok) d.status.targetVersion = o.target.version.version;
  if (active === target) {
    if (d.status.previewRevision) abandonPreview(d);
    delete d.status.abortedRevision;
    delete d.status.rolloutStartedAt;
    setDraftCondition(
      d,
      T.progressing,
      'False',
      R.rolloutComplete,
      `${target} serves ${d.status.targetVersion}`,
    );
    return;
  }
  if (o.status.abortedRevision === target) {
    const previous = getCondition(o.status.conditions, T.degraded);
    setDraftCondition(
      d,
      T.degraded,
      'True',
      previous?.reason ?? R.rolloutAborted,
      previous?.message ?? 'aborted',
    );
    setDraftCondition(
      d,
      T.progressing,
      'False',
      R.rolloutAborted,
      `rollout to ${target} aborted; change the spec to retry`,
    );
    return;
  }
  if (active && candidate?.scaleDownAt && candidate.availableReplicas > 0) {
    // Rolling back to the revision that was active moments ago: it is warm and was analysed then.
    switchTraffic(d, target, R.rollbackToWarmRevision);
    return;
  }
  if (d.status.previewRevision !== target) {
    if (d.status.previewRevision) abandonPreview(d);
    d.status.previewRevision = target;
    d.status.rolloutStartedAt = o.now.toISOString();
    delete d.status.abortedRevision;
  }
  if (!active) {
    // First rollout: nothing to compare against and no traffic to protect; available is enough.
    const wanted = Math.max(o.spec.replicas.min, 1);
    if (ensureCandidate(d, target, candidate, wanted)) switchTraffic(d, target, R.trafficSwitched);
    return;
  }
  if (!ensureCandidate(d, target, candidate, o.spec.rollout.previewReplicas)) return;
  const analysis = o.status.lastAnalysis?.revision === target ? o.status.lastAnalysis : undefined;
  if (!analysis) {
    d.actions.push({ type: 'runAnalysis', revision: target });
    setDraftCondition(d, T.progressing, 'True', R.analysisRunning, `analysing ${target} against its preview`);
    return;
  }
  if (analysis.phase === 'Failed') {
    abortRollout(d, target, R.analysisFailed, `analysis of ${target} failed: ${analysis.message}`);
    return;
  }
  if (!o.spec.rollout.autoPromote && o.annotations[ServingAnnotation.promoteRevision] !== target) {
    setDraftCondition(
      d,
      T.progressing,
      'True',
      R.awaitingPromotion,
      `${target} passed analysis; awaiting promotion`,
    );
    return;
  }
  const wanted = Math.max(
    o.spec.rollout.previewReplicas,
    findRevision(o, active)?.replicas ?? 0,
    o.spec.replicas.min,
  );
  if (candidate!.replicas < wanted || candidate!.availableReplicas < wanted) {
    if (candidate!.replicas < wanted)
      d.actions.push({ type: 'scaleRevision', revision: target, replicas: wanted });
    d.requeueMs.push(WAIT_REQUEUE_MS);
    setDraftCondition(
      d,
      T.progressing,
      'True',
      R.scalingUpCandidate,
      `scaling ${target} to ${wanted} replicas before the switch`,
    );
    return;
  }
  switchTraffic(d, target, R.trafficSwitched);
}

function planDeletion(d: PlanDraft): Plan {
  const o = d.observed;
  if (!o.hasFinalizer) return finishDraft(d);
  for (const name of o.scaledObjects) d.actions.push({ type: 'deleteScaledObject', name });
  for (const rev of o.revisions) d.actions.push({ type: 'deleteRevision', revision: rev.name });
  if (o.services.preview !== undefined) d.actions.push({ type: 'deleteService', role: 'preview' });
  if (o.services.stable !== undefined) d.actions.push({ type: 'deleteService', role: 'stable' });
  d.actions.push({ type: 'removeFinalizer' });
  d.events.push({
    type: 'Normal',
    reason: R.deleting,
    message: 'removing revisions, services and scaled objects',
  });
  return finishDraft(d);
}
