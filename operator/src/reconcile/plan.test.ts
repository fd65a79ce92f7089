// planBlueGreen over the states of a rollout: each row is observed state in, actions and status out.
import {
  type AnalysisResult,
  type ConditionReasonValue,
  getCondition,
  type ModelDeploymentStatus,
  parseModelDeploymentSpec,
  ConditionReason as R,
  ServingAnnotation,
} from '@switchyard/api';
import { describe, expect, it } from 'vitest';
import type { Action, ObservedState, RevisionObservation } from './observed.ts';
import { planBlueGreen } from './plan.ts';

const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000).toISOString();
const later = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();

const rev = (
  name: string,
  replicas: number,
  available = replicas,
  extra: Partial<RevisionObservation> = {},
) => ({
  name,
  version: name === 'blue' ? 'v1' : name === 'green' ? 'v2' : 'v0',
  replicas,
  readyReplicas: available,
  availableReplicas: available,
  createdAt: ago(name === 'old' ? 3000 : name === 'blue' ? 2000 : 60),
  ...extra,
});

const passed = (revision: string): AnalysisResult => ({
  revision,
  phase: 'Passed',
  startedAt: ago(20),
  finishedAt: ago(10),
  checks: [],
  message: 'all checks passed',
});

function observed(
  over: Partial<ObservedState> & { specPatch?: Record<string, unknown>; to?: 'blue' | 'green' },
): ObservedState {
  const { specPatch, to = 'green', ...rest } = over;
  return {
    now: NOW,
    name: 'llama',
    generation: 2,
    deleting: false,
    hasFinalizer: true,
    annotations: {},
    spec: parseModelDeploymentSpec({
      model: 'llama',
      registry: { version: to === 'green' ? 'v2' : 'v1' },
      replicas: { min: 1, max: 4 },
      rollout: { scaleDownDelaySeconds: 30, progressDeadlineSeconds: 120, revisionHistoryLimit: 1 },
      ...specPatch,
    }),
    status: {},
    target: {
      ok: true,
      version: { registryModel: 'llama', version: to === 'green' ? 'v2' : 'v1' },
      revision: to,
    },
    revisions: [],
    scaledObjects: [],
    services: {},
    ...rest,
  };
}

/** Blue serving, steady. */
const blueActive: Partial<ObservedState> = {
  status: { activeRevision: 'blue', activeVersion: 'v1' },
  revisions: [rev('blue', 2)],
  scaledObjects: ['blue'],
  services: { stable: 'blue' },
};
const withGreen = (
  green: RevisionObservation,
  status: ModelDeploymentStatus = {},
): Partial<ObservedState> => ({
  ...blueActive,
  status: { activeRevision: 'blue', previewRevision: 'green', rolloutStartedAt: ago(60), ...status },
  revisions: [rev('blue', 2), green],
  services: { stable: 'blue', preview: 'green' },
});

interface Row {
  state: string;
  input: ObservedState;
  actions: Action[];
  progressing?: ConditionReasonValue;
  ready?: ConditionReasonValue;
  degraded?: ConditionReasonValue;
  status?: Partial<ModelDeploymentStatus>;
  requeueAfterMs?: number;
}

const rows: Row[] = [
  {
    state: 'a new resource: finalizer added, first revision created',
    input: observed({ hasFinalizer: false, to: 'blue' }),
    actions: [
      { type: 'addFinalizer' },
      {
        type: 'createRevision',
        revision: 'blue',
        version: { registryModel: 'llama', version: 'v1' },
        replicas: 1,
      },
      { type: 'pointService', role: 'preview', revision: 'blue' },
    ],
    progressing: R.revisionCreated,
    ready: R.noActiveRevision,
    status: { previewRevision: 'blue', targetVersion: 'v1' },
  },
  {
    state: 'first revision not yet available: wait',
    input: observed({
      to: 'blue',
      status: { previewRevision: 'blue', rolloutStartedAt: ago(10) },
      revisions: [rev('blue', 1, 0)],
      services: { preview: 'blue' },
    }),
    actions: [],
    progressing: R.waitingForRevision,
    requeueAfterMs: 2000,
  },
  {
    state: 'first revision available: it becomes active without analysis',
    input: observed({
      to: 'blue',
      status: { previewRevision: 'blue', rolloutStartedAt: ago(10) },
      revisions: [rev('blue', 1)],
      services: { preview: 'blue' },
    }),
    actions: [
      { type: 'pointService', role: 'stable', revision: 'blue' },
      { type: 'deleteService', role: 'preview' },
      { type: 'ensureScaledObject', revision: 'blue' },
    ],
    progressing: R.rolloutComplete,
    ready: R.revisionAvailable,
    status: { activeRevision: 'blue', activeVersion: 'v1', lastSwitchAt: NOW.toISOString() },
  },
  {
    state: 'steady: nothing to do',
    input: observed({ to: 'blue', ...blueActive }),
    actions: [],
    progressing: R.rolloutComplete,
    ready: R.revisionAvailable,
    degraded: R.asExpected,
  },
  {
    state: 'new version: the green revision is created with preview replicas and a preview Service',
    input: observed({ ...blueActive }),
    actions: [
      {
        type: 'createRevision',
        revision: 'green',
        version: { registryModel: 'llama', version: 'v2' },
        replicas: 1,
      },
      { type: 'pointService', role: 'preview', revision: 'green' },
    ],
    progressing: R.revisionCreated,
    ready: R.revisionAvailable,
    status: { activeRevision: 'blue', previewRevision: 'green', rolloutStartedAt: NOW.toISOString() },
  },
  {
    state: 'green not available before the deadline: aborted, blue untouched',
    input: observed({ ...withGreen(rev('green', 1, 0), { rolloutStartedAt: ago(121) }) }),
    actions: [
      { type: 'scaleRevision', revision: 'green', replicas: 0 },
      { type: 'deleteService', role: 'preview' },
    ],
    progressing: R.rolloutAborted,
    degraded: R.progressDeadlineExceeded,
    ready: R.revisionAvailable,
    status: { activeRevision: 'blue', abortedRevision: 'green', previewRevision: undefined },
  },
  {
    state: 'green available: analysis runs',
    input: observed({ ...withGreen(rev('green', 1)) }),
    actions: [{ type: 'runAnalysis', revision: 'green' }],
    progressing: R.analysisRunning,
  },
  {
    state: 'analysis failed: aborted, blue stays active',
    input: observed({
      ...withGreen(rev('green', 1), {
        lastAnalysis: { ...passed('green'), phase: 'Failed', message: 'errorRate 0.5 > 0.05' },
      }),
    }),
    actions: [
      { type: 'scaleRevision', revision: 'green', replicas: 0 },
      { type: 'deleteService', role: 'preview' },
    ],
    progressing: R.rolloutAborted,
    degraded: R.analysisFailed,
    status: { activeRevision: 'blue', abortedRevision: 'green' },
  },
  {
    state: 'analysis of another revision does not count',
    input: observed({ ...withGreen(rev('green', 1), { lastAnalysis: passed('blue') }) }),
    actions: [{ type: 'runAnalysis', revision: 'green' }],
    progressing: R.analysisRunning,
  },
  {
    state: 'analysis passed, manual promotion: wait for the annotation',
    input: observed({
      specPatch: { rollout: { autoPromote: false } },
      ...withGreen(rev('green', 1), { lastAnalysis: passed('green') }),
    }),
    actions: [],
    progressing: R.awaitingPromotion,
  },
  {
    state: 'analysis passed: green scaled up to blue’s size before the switch',
    input: observed({ ...withGreen(rev('green', 1), { lastAnalysis: passed('green') }) }),
    actions: [{ type: 'scaleRevision', revision: 'green', replicas: 2 }],
    progressing: R.scalingUpCandidate,
    requeueAfterMs: 2000,
  },
  {
    state: 'manual promotion granted and green at full size: traffic switches, blue kept warm',
    input: observed({
      specPatch: { rollout: { autoPromote: false, scaleDownDelaySeconds: 30 } },
      annotations: { [ServingAnnotation.promoteRevision]: 'green' },
      ...withGreen(rev('green', 2), { lastAnalysis: passed('green') }),
    }),
    actions: [
      { type: 'markScaleDown', revision: 'blue', at: later(30) },
      { type: 'pointService', role: 'stable', revision: 'green' },
      { type: 'deleteService', role: 'preview' },
      { type: 'deleteScaledObject', name: 'blue' },
      { type: 'ensureScaledObject', revision: 'green' },
    ],
    progressing: R.trafficSwitched,
    ready: R.revisionAvailable,
    status: {
      activeRevision: 'green',
      activeVersion: 'v2',
      previewRevision: undefined,
      lastSwitchAt: NOW.toISOString(),
    },
    requeueAfterMs: 30_000,
  },
  {
    state: 'after the switch, blue waits out its scale-down delay',
    input: observed({
      status: { activeRevision: 'green' },
      revisions: [rev('blue', 2, 2, { scaleDownAt: later(12) }), rev('green', 2)],
      scaledObjects: ['green'],
      services: { stable: 'green' },
    }),
    actions: [],
    progressing: R.rolloutComplete,
    requeueAfterMs: 12_000,
  },
  {
    state: 'blue past its scale-down time goes to zero; older revisions beyond the limit are pruned',
    input: observed({
      status: { activeRevision: 'green' },
      revisions: [rev('old', 0), rev('blue', 2, 2, { scaleDownAt: ago(1) }), rev('green', 2)],
      scaledObjects: ['green'],
      services: { stable: 'green' },
      specPatch: { rollout: { revisionHistoryLimit: 0 } },
    }),
    actions: [
      { type: 'scaleRevision', revision: 'blue', replicas: 0 },
      { type: 'deleteRevision', revision: 'old' },
    ],
    progressing: R.rolloutComplete,
  },
  {
    state: 'rollback to blue while it is warm: switch at once, no analysis',
    input: observed({
      to: 'blue',
      status: { activeRevision: 'green' },
      revisions: [rev('blue', 2, 2, { scaleDownAt: later(20) }), rev('green', 2)],
      scaledObjects: ['green'],
      services: { stable: 'green' },
    }),
    actions: [
      { type: 'markScaleDown', revision: 'blue', at: null },
      { type: 'markScaleDown', revision: 'green', at: later(30) },
      { type: 'pointService', role: 'stable', revision: 'blue' },
      { type: 'deleteScaledObject', name: 'green' },
      { type: 'ensureScaledObject', revision: 'blue' },
    ],
    progressing: R.rollbackToWarmRevision,
    status: { activeRevision: 'blue', activeVersion: 'v1' },
    requeueAfterMs: 30_000,
  },
  {
    state: 'an aborted target is not retried until the spec changes',
    input: observed({
      ...blueActive,
      status: { activeRevision: 'blue', abortedRevision: 'green' },
      revisions: [rev('blue', 2), rev('green', 0)],
    }),
    actions: [],
    progressing: R.rolloutAborted,
    degraded: R.rolloutAborted,
  },
  {
    state: 'the target changes mid-rollout: the old candidate is abandoned and scaled to zero',
    input: observed({
      ...withGreen(rev('green', 1)),
      target: { ok: true, version: { registryModel: 'llama', version: 'v3' }, revision: 'purple' },
    }),
    actions: [
      {
        type: 'createRevision',
        revision: 'purple',
        version: { registryModel: 'llama', version: 'v3' },
        replicas: 1,
      },
      { type: 'pointService', role: 'preview', revision: 'purple' },
      { type: 'scaleRevision', revision: 'green', replicas: 0 },
    ],
    progressing: R.revisionCreated,
    status: { previewRevision: 'purple' },
  },
  {
    state: 'an unverifiable manifest stops the rollout before any pod; blue keeps serving',
    input: observed({
      ...blueActive,
      target: { ok: false, reason: R.manifestUnverified, message: 'manifest digest mismatch for llama@v2' },
    }),
    actions: [],
    progressing: R.manifestUnverified,
    degraded: R.manifestUnverified,
    ready: R.revisionAvailable,
  },
  {
    state: 'active scaled to zero with min 0 is still Ready',
    input: observed({
      to: 'blue',
      ...blueActive,
      specPatch: { replicas: { min: 0, max: 2 } },
      revisions: [rev('blue', 0)],
    }),
    actions: [],
    ready: R.scaledToZero,
  },
  {
    state: 'active revision lost its pods: not Ready',
    input: observed({ to: 'blue', ...blueActive, revisions: [rev('blue', 2, 0)] }),
    actions: [],
    ready: R.revisionUnavailable,
  },
  {
    state: 'scaling disabled: no ScaledObject, the active revision runs replicas.max',
    input: observed({
      to: 'blue',
      ...blueActive,
      specPatch: { scaling: { enabled: false }, replicas: { min: 1, max: 3 } },
    }),
    actions: [
      { type: 'deleteScaledObject', name: 'blue' },
      { type: 'scaleRevision', revision: 'blue', replicas: 3 },
    ],
  },
  {
    state: 'deletion: scaling objects, revisions and services go, then the finalizer',
    input: observed({ ...blueActive, deleting: true }),
    actions: [
      { type: 'deleteScaledObject', name: 'blue' },
      { type: 'deleteRevision', revision: 'blue' },
      { type: 'deleteService', role: 'stable' },
      { type: 'removeFinalizer' },
    ],
  },
];

describe('planBlueGreen', () => {
  it.each(rows)('$state', (row) => {
    const plan = planBlueGreen(row.input);
    expect(plan.actions).toEqual(row.actions);
    const conditions = plan.status.conditions;
    if (row.progressing) expect(getCondition(conditions, 'Progressing')?.reason).toBe(row.progressing);
    if (row.ready) expect(getCondition(conditions, 'Ready')?.reason).toBe(row.ready);
    if (row.degraded) expect(getCondition(conditions, 'Degraded')?.reason).toBe(row.degraded);
    for (const [key, value] of Object.entries(row.status ?? {})) {
      expect(plan.status[key as keyof ModelDeploymentStatus], key).toEqual(value);
    }
    if (row.requeueAfterMs !== undefined) expect(plan.requeueAfterMs).toBe(row.requeueAfterMs);
  });

  it('records an event for each condition transition, a warning when degraded', () => {
    const plan = planBlueGreen(
      observed({
        ...withGreen(rev('green', 1), {
          lastAnalysis: { ...passed('green'), phase: 'Failed', message: 'smoke failed' },
        }),
      }),
    );
    expect(plan.events).toContainEqual({
      type: 'Warning',
      reason: R.analysisFailed,
      message: 'analysis of green failed: smoke failed',
    });
  });

  it('is idempotent: planning the planned status again asks for nothing new', () => {
    const first = planBlueGreen(
      observed({ ...withGreen(rev('green', 1), { lastAnalysis: passed('green') }) }),
    );
    const again = planBlueGreen(observed({ ...withGreen(rev('green', 2), { ...first.status }) }));
    expect(again.actions.map((a) => a.type)).toEqual([
      'markScaleDown',
      'pointService',
      'deleteService',
      'deleteScaledObject',
      'ensureScaledObject',
    ]);
    const settled = planBlueGreen(
      observed({
        status: again.status,
        revisions: [rev('blue', 2, 2, { scaleDownAt: later(30) }), rev('green', 2)],
        scaledObjects: ['green'],
        services: { stable: 'green' },
      }),
    );
    expect(settled.actions).toEqual([]);
    expect(settled.events).toEqual([
      { type: 'Normal', reason: R.rolloutComplete, message: 'green serves v2' },
    ]);
  });
});
