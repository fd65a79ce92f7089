// The registry's one error type: every failure a user can act on carries a kind and an exit code, so the CLI
// renders it as one line in one place (bin/llmctl.ts) and scripts can branch on the exit code.

/** What went wrong, in terms a user acts on. */
export type RegistryErrorKind =
  | 'invalid' // bad input: flags, configuration, a malformed manifest
  | 'not-found' // a model, version or channel that does not exist
  | 'exists' // publishing a version that already exists
  | 'conflict' // a concurrent channel move won the race
  | 'integrity' // bytes whose SHA-256 differs from the manifest
  | 'missing-resource' // the DynamoDB table or S3 bucket is missing
  | 'aborted' // the caller cancelled the operation
  | 'hook-failed'; // the channel moved but a follow-up (e.g. the Kubernetes resource) failed

/** Exit code per kind; 1 stays the generic failure and 2 is commander's usage error. */
export const exitCodeByKind: Readonly<Record<RegistryErrorKind, number>> = {
  invalid: 2,
  'not-found': 4,
  exists: 5,
  conflict: 6,
  integrity: 3,
  'missing-resource': 7,
  aborted: 130,
  'hook-failed': 8,
};

/** An error a user can act on; `message` is one line that names the thing and the cause. */
export class RegistryError extends Error {
  readonly kind: RegistryErrorKind;
  readonly exitCode: number;
  /** Extra lines (e.g. each mismatching file) a caller may print below the message. */
  readonly details: readonly string[];

  constructor(kind: RegistryErrorKind, message: string, options?: { cause?: unknown; details?: string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.kind = kind;
    this.exitCode = exitCodeByKind[kind];
    this.details = options?.details ?? [];
  }
}

/** True when `err` is a RegistryError of the given kind (or any kind when omitted). */
export function isRegistryError(err: unknown, kind?: RegistryErrorKind): err is RegistryError {
  return err instanceof RegistryError && (kind === undefined || err.kind === kind);
}
