/**
 * Where the operator learns which registry version a spec means and whether its manifest checks out.
 * The registry-backed source reads the registry's read side only (version records, channels, the
 * manifest checked against its recorded digest); a version that fails that check never reaches a pod.
 */
import { ConditionReason, type ConditionReasonValue, type ModelDeploymentSpec } from '@switchyard/api';
import { isRegistryError, loadVersion, type RegistryContext } from '@switchyard/registry';
import type { ResolvedVersion } from '../reconcile/revision-name.ts';

/** A version that cannot be used; `reason` becomes the Degraded condition's reason. */
export class VersionRejectedError extends Error {
  override name = 'VersionRejectedError';
  readonly reason: ConditionReasonValue;
  constructor(reason: ConditionReasonValue, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Resolves a spec's registry reference. Throws VersionRejectedError for answers, anything else to retry. */
export interface VersionSource {
  resolve(spec: ModelDeploymentSpec): Promise<ResolvedVersion>;
}

/** Without a registry: the version is taken as written; channels cannot be resolved. */
export function staticVersionSource(): VersionSource {
  return {
    async resolve(spec) {
      const registryModel = spec.registry.model ?? spec.model;
      if (!spec.registry.version) {
        throw new VersionRejectedError(
          ConditionReason.versionUnresolved,
          `channel ${spec.registry.channel} cannot be resolved: the operator runs without a registry`,
        );
      }
      return { registryModel, version: spec.registry.version };
    },
  };
}

/** Options of {@link registryVersionSource}. */
export interface RegistryVersionSourceOptions {
  /** How long a channel's answer is reused (default 0: asked every reconcile, so a move is seen at once); versions are immutable and cached for good. */
  channelTtlMs?: number;
  now?: () => number;
}

/** Resolves through the registry: version records, channels and digest-checked manifests. */
export function registryVersionSource(
  ctx: RegistryContext,
  options: RegistryVersionSourceOptions = {},
): VersionSource {
  const ttl = options.channelTtlMs ?? 0;
  const now = options.now ?? Date.now;
  const versions = new Map<string, ResolvedVersion>();
  const channels = new Map<string, { at: number; value: ResolvedVersion }>();
  return {
    async resolve(spec) {
      const registryModel = spec.registry.model ?? spec.model;
      const ref = spec.registry.version ?? spec.registry.channel!;
      const key = `${registryModel}@${ref}`;
      if (spec.registry.version) {
        const hit = versions.get(key);
        if (hit) return hit;
      } else {
        const hit = channels.get(key);
        if (hit && now() - hit.at < ttl) return hit.value;
      }
      try {
        const loaded = await loadVersion(ctx, registryModel, ref);
        const value = {
          registryModel,
          version: loaded.record.version,
          manifestDigest: loaded.record.manifestDigest,
        };
        versions.set(`${registryModel}@${value.version}`, value);
        if (!spec.registry.version) channels.set(key, { at: now(), value });
        return value;
      } catch (error) {
        // A manifest that does not parse cannot be verified either.
        const unverifiable =
          isRegistryError(error) && error.kind === 'invalid' && /manifest/.test(error.message);
        if ((isRegistryError(error) && error.kind === 'integrity') || unverifiable) {
          throw new VersionRejectedError(ConditionReason.manifestUnverified, error.message);
        }
        if (isRegistryError(error) && (error.kind === 'not-found' || error.kind === 'invalid')) {
          throw new VersionRejectedError(ConditionReason.versionUnresolved, error.message);
        }
        throw error;
      }
    },
  };
}

/** Fills the target of an observation: the version, or why it was rejected. */
export async function resolveTarget(
  source: VersionSource,
  spec: ModelDeploymentSpec,
): Promise<
  { ok: true; version: ResolvedVersion } | { ok: false; reason: ConditionReasonValue; message: string }
> {
  try {
    return { ok: true, version: await source.resolve(spec) };
  } catch (error) {
    if (error instanceof VersionRejectedError)
      return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
}
