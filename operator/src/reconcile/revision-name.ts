/**
 * Naming of what the operator creates. A revision (one Deployment) is named by a hash of everything that
 * shapes its pods: the registry version and its manifest digest, the engine template, resources and
 * placement. Same inputs, same name: that is what makes reconciling idempotent and a rollback to a
 * previous version find its warm Deployment again.
 */
import { createHash } from 'node:crypto';
import type { ModelDeploymentSpec } from '@switchyard/api';

/** The version a spec resolves to, as the registry answered. */
export interface ResolvedVersion {
  /** Model name in the registry. */
  registryModel: string;
  version: string;
  /** SHA-256 of the manifest (absent when no registry is configured). */
  manifestDigest?: string;
}

/** Stable JSON: object keys sorted, so the hash does not depend on field order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Ten hex characters of SHA-256 over the version and the pod-shaping parts of the spec. */
export function revisionHash(spec: ModelDeploymentSpec, target: ResolvedVersion): string {
  const template = {
    model: spec.model,
    target,
    fetch: { image: spec.registry.fetchImage, secret: spec.registry.configSecretName },
    engine: spec.engine,
    resources: spec.resources,
    nodeSelector: spec.nodeSelector,
    tolerations: spec.tolerations,
  };
  return createHash('sha256').update(canonical(template)).digest('hex').slice(0, 10);
}

/** `<deployment>-<hash>`, within the 63 characters a label value allows. */
export function revisionName(modelDeploymentName: string, hash: string): string {
  return `${modelDeploymentName.slice(0, 52).replace(/-+$/, '')}-${hash}`;
}

/** Names of the two Services of a ModelDeployment. */
export function serviceNames(modelDeploymentName: string): { stable: string; preview: string } {
  const base = modelDeploymentName.slice(0, 55).replace(/-+$/, '');
  return { stable: base, preview: `${base}-preview` };
}

/** A label-safe form of a served model name (labels allow 63 of [A-Za-z0-9._-]). */
export function modelLabelValue(model: string): string {
  const safe = model.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63);
  return safe.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}
