// Building, digesting and parsing manifests. The digest covers the canonical JSON (sorted keys, no
// whitespace) of every field but `digest` itself, so any change to any field changes it.
import { RegistryError } from '../errors.ts';
import { sha256Hex } from '../hashing.ts';
import { type Manifest, type ManifestFile, manifestSchema, parseWithPath } from './schema.ts';

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) over the canonical JSON of the manifest without its `digest` field. */
export function computeManifestDigest(manifest: Omit<Manifest, 'digest'> & { digest?: string }): string {
  const { digest: _ignored, ...rest } = manifest;
  return sha256Hex(canonicalJson(rest));
}

/** What a publisher knows before the digest is computed. */
export interface ManifestInput {
  model: string;
  version: string;
  createdBy: string;
  createdAt: Date;
  metadata: Record<string, string>;
  files: ManifestFile[];
}

/** Builds a validated manifest with its files sorted by path and its digest filled in. */
export function buildManifest(input: ManifestInput): Manifest {
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const body = {
    schemaVersion: 1 as const,
    model: input.model,
    version: input.version,
    createdBy: input.createdBy,
    createdAt: input.createdAt.toISOString(),
    metadata: input.metadata,
    files,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
  };
  return parseWithPath(manifestSchema, { ...body, digest: computeManifestDigest(body) }, 'invalid manifest');
}

/** Serializes a manifest as stored in S3 (readable, stable key order). */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2)}\n`;
}

/**
 * Parses manifest text: JSON, then the schema (errors name the field path), then the digest. When
 * `expectedDigest` is given (from the version record), the manifest must carry exactly that digest.
 */
export function parseManifest(text: string, expectedDigest?: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RegistryError('invalid', `invalid manifest: not JSON (${(err as Error).message})`);
  }
  const manifest = parseWithPath(manifestSchema, json, 'invalid manifest');
  const actual = computeManifestDigest(manifest);
  if (actual !== manifest.digest) {
    throw new RegistryError(
      'integrity',
      `manifest of ${manifest.model}@${manifest.version}: digest field says ${manifest.digest} but content hashes to ${actual}`,
    );
  }
  if (expectedDigest !== undefined && expectedDigest !== manifest.digest) {
    throw new RegistryError(
      'integrity',
      `manifest of ${manifest.model}@${manifest.version}: digest ${manifest.digest} differs from the version record's ${expectedDigest}`,
    );
  }
  return manifest;
}
