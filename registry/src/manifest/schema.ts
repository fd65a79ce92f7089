// The manifest's shape, validated by zod: what a version contains (files, sizes, SHA-256 digests), who
// made it and when, free-form metadata, and one digest over all of it. Errors name the field path.
import { z } from 'zod';
import { RegistryError } from '../errors.ts';

/** Model names: lower-case, usable in S3 keys and DynamoDB sort keys. */
export const modelNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'must be 1-128 of a-z 0-9 . _ - starting with a letter or digit');

/** Version names: e.g. `v3`, `2026-05-01`, `1.2.0+awq`. */
export const versionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/, 'must be 1-128 of A-Z a-z 0-9 . _ + - starting alnum');

/** Channel names: e.g. `production`, `staging`. */
export const channelNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be 1-63 of a-z 0-9 - starting with a letter');

const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex characters');

/** A relative POSIX path inside the model directory; no `..`, no empty or dot segments. */
const relativePathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (p) => !p.startsWith('/') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'must be a relative path without empty, "." or ".." segments',
  );

/** One file of a model version. */
export const manifestFileSchema = z.strictObject({
  path: relativePathSchema,
  size: z.number().int().nonnegative(),
  sha256: sha256HexSchema,
});

/** The manifest as stored at `<version prefix>/manifest.json`. */
export const manifestSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    model: modelNameSchema,
    version: versionNameSchema,
    createdBy: z.string().min(1).max(256),
    createdAt: z.iso.datetime(),
    metadata: z.record(z.string(), z.string()),
    files: z.array(manifestFileSchema).min(1),
    totalBytes: z.number().int().nonnegative(),
    /** SHA-256 (hex) of the canonical JSON of every other field. */
    digest: sha256HexSchema,
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.files.forEach((f, i) => {
      if (seen.has(f.path))
        ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: 'duplicate path' });
      seen.add(f.path);
    });
    const sum = m.files.reduce((n, f) => n + f.size, 0);
    if (sum !== m.totalBytes) {
      ctx.addIssue({
        code: 'custom',
        path: ['totalBytes'],
        message: `must equal the sum of file sizes (${sum})`,
      });
    }
  });

/** A validated manifest. */
export type Manifest = z.infer<typeof manifestSchema>;
/** One file entry of a manifest. */
export type ManifestFile = z.infer<typeof manifestFileSchema>;

/** Renders a zod issue path as `files[2].sha256`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

/** Validates `value` against a schema, throwing an `invalid` RegistryError that names the field path. */
export function parseWithPath<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((i) =>
    // An unknown key is reported at its parent by zod; name the key itself.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => `${formatFieldPath([...i.path, k])}: unknown field`)
      : [`${formatFieldPath(i.path)}: ${i.message}`],
  );
  throw new RegistryError('invalid', `${what}: ${issues[0]}`, { details: issues.slice(1) });
}
