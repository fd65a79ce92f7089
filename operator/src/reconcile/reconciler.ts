/**
 * One reconcile of one ModelDeployment: read it fresh, observe, plan, apply, write status, record
 * events. Errors become a `Degraded` condition with reason `ReconcileError` (and a retry with backoff)
 * in this one place.
 */
import {
  ConditionReason,
  ConditionType,
  type ModelDeployment,
  type ModelDeploymentStatus,
  parseModelDeploymentSpec,
  setCondition,
} from '@switchyard/api';
import type { Analyzer } from '../analysis/run-analysis.ts';
import type { KubeApi } from '../k8s/kube-api.ts';
import { type Deployment, type KubeObject, Resources, type Service } from '../k8s/objects.ts';
import type { VersionSource } from '../versions/version-source.ts';
import { applyActions } from './apply.ts';
import { recordEvents } from './events.ts';
import { observe } from './observe.ts';
import { planBlueGreen } from './plan.ts';

/** Everything a reconcile needs. */
export interface ReconcilerDeps {
  kube: KubeApi;
  versions: VersionSource;
  analyze: Analyzer;
  deploymentsOf(namespace: string, name: string): Deployment[];
  servicesOf?(namespace: string, name: string): Service[];
  scaledObjectsOf?(namespace: string, name: string): string[];
  /** ServiceAccount of the model pods (the fetch init container's registry access). */
  modelServiceAccount?: string;
  /** The gateway's external scaler, for ModelDeployments that name none (default: `DEFAULT_SCALER_ADDRESS`). */
  scalerAddress?: string;
  now?: () => Date;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** How often a ModelDeployment that follows a channel re-resolves it without any event. */
export const CHANNEL_POLL_MS = 30_000;

/** What a reconcile asks of the queue. */
export interface ReconcileOutcome {
  requeueAfterMs?: number;
}

/**
 * JSON with object keys sorted: the API server hands objects back with their keys in its own order, so
 * comparing plain JSON.stringify output would see a change on every pass and write (and wake) forever.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A status merge patch: changed fields, and null for fields that went away. */
export function statusPatch(
  before: ModelDeploymentStatus,
  after: ModelDeploymentStatus,
): Record<string, unknown> | undefined {
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<
    keyof ModelDeploymentStatus
  >) {
    const next = after[key];
    if (canonicalJson(before[key]) !== canonicalJson(next)) patch[key] = next ?? null;
  }
  return Object.keys(patch).length ? patch : undefined;
}

/** Reconciles the ModelDeployment at `namespace/name`. */
export async function reconcileModelDeployment(deps: ReconcilerDeps, key: string): Promise<ReconcileOutcome> {
  const [namespace = 'default', name = ''] = key.split('/');
  const now = deps.now ?? (() => new Date());
  const ref = { ...Resources.modelDeployments, namespace, name };
  const md = await deps.kube.get<ModelDeployment & KubeObject>(ref);
  if (!md) return {};
  const before = md.status ?? {};
  let spec: ReturnType<typeof parseModelDeploymentSpec>;
  try {
    spec = parseModelDeploymentSpec(md.spec);
  } catch (error) {
    const conditions = setCondition(before.conditions, {
      type: ConditionType.degraded,
      status: 'True',
      reason: ConditionReason.reconcileError,
      message: `invalid spec: ${(error as Error).message.slice(0, 500)}`,
      lastTransitionTime: now().toISOString(),
    });
    await deps.kube.patch(ref, { status: { conditions } }, { subresource: 'status' });
    return {};
  }
  try {
    const observed = await observe({ ...deps, now }, md, spec);
    const plan = planBlueGreen(observed);
    const analysis = await applyActions(deps, md, spec, plan.actions);
    const status = analysis ? { ...plan.status, lastAnalysis: analysis } : plan.status;
    const patch = statusPatch(before, status);
    const removed = plan.actions.some((a) => a.type === 'removeFinalizer');
    if (patch && !removed) await deps.kube.patch(ref, { status: patch }, { subresource: 'status' });
    await recordEvents(deps.kube, md, plan.events, observed.now, (error) =>
      deps.log?.('event not recorded', { error: String(error) }),
    );
    if (plan.actions.length || plan.events.length) {
      deps.log?.('reconciled', {
        key,
        actions: plan.actions.map((a) => a.type),
        active: status.activeRevision,
      });
    }
    if (analysis) return { requeueAfterMs: 0 };
    // A channel can move without the resource changing: look again now and then (the hook also nudges).
    const poll = spec.registry.channel ? CHANNEL_POLL_MS : Number.POSITIVE_INFINITY;
    const requeue = Math.min(plan.requeueAfterMs ?? Number.POSITIVE_INFINITY, poll);
    return Number.isFinite(requeue) ? { requeueAfterMs: requeue } : {};
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const conditions = setCondition(before.conditions, {
      type: ConditionType.degraded,
      status: 'True',
      reason: ConditionReason.reconcileError,
      message: message.slice(0, 500),
      lastTransitionTime: now().toISOString(),
    });
    await deps.kube.patch(ref, { status: { conditions } }, { subresource: 'status' }).catch(() => {});
    throw error;
  }
}
