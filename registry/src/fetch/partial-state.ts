// The sidecar that lets a fetch resume: which chunks of `<file>.llmctl-partial` are already on disk, for
// which content (digest, size, chunk size). Any mismatch means "start over"; the final digest check
// catches anything the sidecar got wrong, so it needs no fsync.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { z } from 'zod';

const partialStateSchema = z.object({
  sha256: z.string(),
  size: z.number(),
  chunkSizeBytes: z.number(),
  done: z.array(z.number().int().nonnegative()),
});

/** What a partial download has on disk. */
export type PartialState = z.infer<typeof partialStateSchema>;

/** Paths of the temporary data file and its sidecar for a target file. */
export function partialPaths(target: string) {
  return { data: `${target}.llmctl-partial`, state: `${target}.llmctl-partial.json` };
}

/** Reads the sidecar; undefined when absent, unreadable, or for other content or chunking. */
export async function readPartialState(
  path: string,
  expected: Omit<PartialState, 'done'>,
): Promise<PartialState | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const state = partialStateSchema.parse(JSON.parse(text));
    const same =
      state.sha256 === expected.sha256 &&
      state.size === expected.size &&
      state.chunkSizeBytes === expected.chunkSizeBytes;
    return same ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the sidecar atomically (temp file + rename). */
export async function writePartialState(path: string, state: PartialState): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(state));
  await rename(`${path}.tmp`, path);
}

/** Deletes the data file and sidecar. */
export async function removePartial(target: string): Promise<void> {
  const paths = partialPaths(target);
  await Promise.all([
    rm(paths.data, { force: true }),
    rm(paths.state, { force: true }),
    rm(`${paths.state}.tmp`, { force: true }),
  ]);
}
