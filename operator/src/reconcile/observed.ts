/**
 * The state the operator observed for one ModelDeployment, gathered in one context object, and what
 * the planner answers with: actions for apply, the new status, events, and when to look again.
 */
import type { ConditionReasonValue, ModelDeploymentSpec, ModelDeploymentStatus } from '@switchyard/api';
import type { ResolvedVersion } from './revision-name.ts';

/** One revision (Deployment) as the cluster shows it. */
export interface RevisionObservation {
  name: string;
  version: string;
  /** `spec.replicas` of the Deployment. */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  createdAt?: string;
  /** Set on a revision that was active: when it goes to zero (annotation). */
  scaleDownAt?: string;
}

/** The rollout target: the resolved version and its revision name, or why it could not be resolved. */
export type TargetObservation =
  | { ok: true; version: ResolvedVersion; revision: string }
  | { ok: false; reason: ConditionReasonValue; message: string };

/** Everything the planner reads. */
export interface ObservedState {
  now: Date;
  name: string;
  generation: number;
  deleting: boolean;
  hasFinalizer: boolean;
  annotations: Record<string, string>;
  spec: ModelDeploymentSpec;
  status: ModelDeploymentStatus;
  target: TargetObservation;
  revisions: RevisionObservation[];
  /** Names of the ScaledObjects the ModelDeployment owns. */
  scaledObjects: string[];
  /** Revision each Service selects (undefined: Service absent). */
  services: { stable?: string; preview?: string };
}

/** One change for apply to make. */
export type Action =
  | { type: 'addFinalizer' }
  | { type: 'removeFinalizer' }
  | { type: 'createRevision'; revision: string; version: ResolvedVersion; replicas: number }
  | { type: 'scaleRevision'; revision: string; replicas: number }
  | { type: 'markScaleDown'; revision: string; at: string | null }
  | { type: 'deleteRevision'; revision: string }
  | { type: 'pointService'; role: 'stable' | 'preview'; revision: string }
  | { type: 'deleteService'; role: 'stable' | 'preview' }
  | { type: 'ensureScaledObject'; revision: string }
  | { type: 'deleteScaledObject'; name: string }
  | { type: 'runAnalysis'; revision: string };

/** A Kubernetes Event to record. */
export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The planner's answer. */
export interface Plan {
  actions: Action[];
  status: ModelDeploymentStatus;
  events: PlannedEvent[];
  /** Reconcile again after this long even without a watch event (undefined: only on events/resync). */
  requeueAfterMs?: number;
}
