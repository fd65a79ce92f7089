/**
 * The planner's scratchpad: collects actions, events and requeue requests while the blue-green verbs
 * run, keeps the revisions' planned scale-down times, and turns condition changes into events.
 */
import {
  type Condition,
  type ConditionReasonValue,
  ConditionType,
  type ConditionTypeValue,
  getCondition,
  type ModelDeploymentStatus,
  setCondition,
} from '@switchyard/api';
import type { Action, ObservedState, Plan, PlannedEvent, RevisionObservation } from './observed.ts';

type Status = Condition['status'];

/** A plan under construction. */
export interface PlanDraft {
  readonly observed: ObservedState;
  status: ModelDeploymentStatus;
  actions: Action[];
  events: PlannedEvent[];
  requeueMs: number[];
  /** Scale-down times decided in this pass (null: cleared). */
  scaleDownAt: Map<string, string | null>;
  conditions: Partial<
    Record<ConditionTypeValue, { status: Status; reason: ConditionReasonValue; message: string }>
  >;
}

/** Starts a draft from the observed status. */
export function newDraft(observed: ObservedState): PlanDraft {
  return {
    observed,
    status: { ...observed.status },
    actions: [],
    events: [],
    requeueMs: [],
    scaleDownAt: new Map(),
    conditions: {},
  };
}

/** Records a condition for this pass. */
export function setDraftCondition(
  d: PlanDraft,
  type: ConditionTypeValue,
  status: Status,
  reason: ConditionReasonValue,
  message: string,
): void {
  d.conditions[type] = { status, reason, message };
}

/** The revision named `name`, if the cluster has it. */
export function findRevision(o: ObservedState, name: string | undefined): RevisionObservation | undefined {
  return name === undefined ? undefined : o.revisions.find((r) => r.name === name);
}

/** Scale-down time of a revision, counting what this pass decided. */
export function effectiveScaleDownAt(d: PlanDraft, rev: RevisionObservation): string | undefined {
  const planned = d.scaleDownAt.get(rev.name);
  if (planned === null) return undefined;
  return planned ?? rev.scaleDownAt;
}

/** True when this pass already scales `revision`. */
export function plansScale(d: PlanDraft, revision: string): boolean {
  return d.actions.some((a) => a.type === 'scaleRevision' && a.revision === revision);
}

const warningWhen = (type: ConditionTypeValue, status: Status) =>
  (type === ConditionType.degraded && status === 'True') ||
  (type === ConditionType.ready && status === 'False');

/** Finishes the draft: conditions merged (transition times kept), an event per transition, requeue. */
export function finishDraft(d: PlanDraft): Plan {
  const o = d.observed;
  const at = o.now.toISOString();
  let conditions = o.status.conditions ?? [];
  for (const type of [ConditionType.ready, ConditionType.progressing, ConditionType.degraded]) {
    const next = d.conditions[type];
    if (!next) continue;
    const previous = getCondition(conditions, type);
    if (previous?.status !== next.status || previous.reason !== next.reason) {
      if (!(previous === undefined && next.status === 'False' && type === ConditionType.degraded)) {
        d.events.push({
          type: warningWhen(type, next.status) ? 'Warning' : 'Normal',
          reason: next.reason,
          message: next.message,
        });
      }
    }
    conditions = setCondition(conditions, {
      type,
      ...next,
      lastTransitionTime: at,
      observedGeneration: o.generation,
    });
  }
  const seen = new Set<string>();
  const events = d.events.filter((e) => {
    const key = `${e.reason}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const status: ModelDeploymentStatus = { ...d.status, conditions, observedGeneration: o.generation };
  for (const key of Object.keys(status) as (keyof ModelDeploymentStatus)[]) {
    if (status[key] === undefined) delete status[key];
  }
  const requeue = d.requeueMs.filter((ms) => ms >= 0);
  return {
    actions: d.actions,
    status,
    events,
    ...(requeue.length ? { requeueAfterMs: Math.max(0, Math.min(...requeue)) } : {}),
  };
}
