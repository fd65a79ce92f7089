import { RegistryError } from '../errors.ts';

/**
 * What a registry call ends in, as one comparable line: `"<kind>: <message>"` for a {@link RegistryError},
 * `"no error"` when it resolves. Any other error is rethrown (a test should not pass on a crash).
 */
export async function errorKindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RegistryError) return `${err.kind}: ${err.message}`;
    throw err;
  }
  return 'no error';
}
