/**
 * Steady-state upkeep after the rollout verbs ran: Services point at the active and preview revisions,
 * only the active revision has a ScaledObject, revisions that are neither active nor preview go to zero
 * (the previous one after its scale-down delay), old ones beyond the history limit are pruned, and the
 * Ready condition and per-revision status are written.
 */
import { ConditionReason as R, type RevisionStatus, ConditionType as T } from '@switchyard/api';
import {
  effectiveScaleDownAt,
  findRevision,
  type PlanDraft,
  plansScale,
  setDraftCondition,
} from './plan-draft.ts';

/** Upkeep of Services, ScaledObjects, old revisions, Ready and `status.revisions`. */
export function maintain(d: PlanDraft): void {
  const o = d.observed;
  const active = d.status.activeRevision;
  const preview = d.status.previewRevision;
  const now = o.now.getTime();

  if (active && o.services.stable !== active)
    d.actions.push({ type: 'pointService', role: 'stable', revision: active });
  if (preview && o.services.preview !== preview)
    d.actions.push({ type: 'pointService', role: 'preview', revision: preview });
  if (!preview && o.services.preview !== undefined)
    d.actions.push({ type: 'deleteService', role: 'preview' });

  const scaling = o.spec.scaling.enabled;
  for (const name of o.scaledObjects) {
    if (name !== active || !scaling) d.actions.push({ type: 'deleteScaledObject', name });
  }
  const activeRev = findRevision(o, active);
  if (active && activeRev && scaling && !o.scaledObjects.includes(active)) {
    d.actions.push({ type: 'ensureScaledObject', revision: active });
  }
  if (activeRev && !scaling && activeRev.replicas !== o.spec.replicas.max && !plansScale(d, activeRev.name)) {
    d.actions.push({ type: 'scaleRevision', revision: activeRev.name, replicas: o.spec.replicas.max });
  }

  const idle = o.revisions.filter((r) => r.name !== active && r.name !== preview);
  for (const rev of idle) {
    if (rev.replicas === 0 || plansScale(d, rev.name)) continue;
    const at = effectiveScaleDownAt(d, rev);
    const due = at === undefined ? now : Date.parse(at);
    if (due > now) {
      d.requeueMs.push(due - now);
      continue;
    }
    d.actions.push({ type: 'scaleRevision', revision: rev.name, replicas: 0 });
    d.events.push({
      type: 'Normal',
      reason: 'ScaledDown',
      message: `scaled ${rev.name} (${rev.version}) to zero`,
    });
  }
  const retired = idle
    .filter((r) => r.replicas === 0 && r.name !== d.status.abortedRevision)
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  for (const rev of retired.slice(o.spec.rollout.revisionHistoryLimit)) {
    d.actions.push({ type: 'deleteRevision', revision: rev.name });
    d.events.push({
      type: 'Normal',
      reason: 'Pruned',
      message: `deleted ${rev.name} (${rev.version}) beyond the history limit`,
    });
  }

  writeReady(d);
  if (!d.conditions[T.degraded]) setDraftCondition(d, T.degraded, 'False', R.asExpected, 'no problems');
  d.status.revisions = o.revisions.map((rev): RevisionStatus => {
    const at = effectiveScaleDownAt(d, rev);
    const role: RevisionStatus['role'] =
      rev.name === active
        ? 'active'
        : rev.name === preview
          ? 'preview'
          : rev.name === d.status.abortedRevision
            ? 'aborted'
            : at !== undefined && rev.replicas > 0
              ? 'previous'
              : 'retired';
    return {
      name: rev.name,
      version: rev.version,
      role,
      replicas: rev.replicas,
      readyReplicas: rev.readyReplicas,
      ...(rev.createdAt ? { createdAt: rev.createdAt } : {}),
      ...(at && role === 'previous' ? { scaleDownAt: at } : {}),
    };
  });
}

function writeReady(d: PlanDraft): void {
  const o = d.observed;
  const name = d.status.activeRevision;
  const rev = findRevision(o, name);
  if (!name || !rev) {
    setDraftCondition(d, T.ready, 'False', R.noActiveRevision, 'no revision is active yet');
  } else if (rev.availableReplicas > 0) {
    setDraftCondition(
      d,
      T.ready,
      'True',
      R.revisionAvailable,
      `${rev.availableReplicas}/${rev.replicas} replicas of ${name} available`,
    );
  } else if (rev.replicas === 0 && o.spec.replicas.min === 0) {
    setDraftCondition(
      d,
      T.ready,
      'True',
      R.scaledToZero,
      `${name} is scaled to zero; the gateway holds requests while it starts`,
    );
  } else {
    setDraftCondition(
      d,
      T.ready,
      'False',
      R.revisionUnavailable,
      `0/${rev.replicas} replicas of ${name} available`,
    );
  }
}
