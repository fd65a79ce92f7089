// Reading a published version back: resolve a version-or-channel reference, load the manifest from S3 and
// check it against the digest in the version record (the record anchors the manifest; the manifest
// anchors the files).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { isNoSuchKey, withAwsErrors } from './aws/aws-errors.ts';
import type { RegistryContext } from './context.ts';
import { RegistryError } from './errors.ts';
import { parseManifest } from './manifest/manifest.ts';
import type { Manifest } from './manifest/schema.ts';
import type { VersionRecord } from './store/records.ts';
import { getChannel, getVersion, requireVersion } from './store/table.ts';

/** A version with its verified manifest. */
export interface LoadedVersion {
  record: VersionRecord;
  manifest: Manifest;
  /** The channel the reference named, when it named one. */
  channel?: string;
}

/** Resolves `ref` as a version name first, then as a channel name; `not-found` names both tries. */
export async function resolveVersionRef(
  ctx: RegistryContext,
  model: string,
  ref: string,
): Promise<{ record: VersionRecord; channel?: string }> {
  const version = await getVersion(ctx, model, ref);
  if (version) return { record: version };
  const channel = await getChannel(ctx, model, ref).catch(() => undefined);
  if (channel) return { record: await requireVersion(ctx, model, channel.version), channel: channel.channel };
  throw new RegistryError('not-found', `model ${model} has no version or channel named ${ref}`);
}

/** Loads and checks the manifest a version record points at. */
export async function loadManifest(ctx: RegistryContext, record: VersionRecord): Promise<Manifest> {
  const text = await withAwsErrors(ctx, async () => {
    try {
      const out = await ctx.clients.s3.send(
        new GetObjectCommand({ Bucket: ctx.bucket, Key: record.manifestKey }),
      );
      return await out.Body!.transformToString('utf8');
    } catch (err) {
      if (isNoSuchKey(err)) {
        throw new RegistryError(
          'integrity',
          `manifest of ${record.model}@${record.version} is missing from the bucket (${record.manifestKey})`,
        );
      }
      throw err;
    }
  });
  return parseManifest(text, record.manifestDigest);
}

/** Resolves a reference and loads its manifest. */
export async function loadVersion(ctx: RegistryContext, model: string, ref: string): Promise<LoadedVersion> {
  const resolved = await resolveVersionRef(ctx, model, ref);
  return { ...resolved, manifest: await loadManifest(ctx, resolved.record) };
}
