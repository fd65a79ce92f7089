// `llmctl registry init|publish|verify|fetch|deprecate`: the commands that write or read a version's bytes.
import { Command } from 'commander';
import { RegistryError } from '../errors.ts';
import { fetchVersion } from '../fetch/fetch-version.ts';
import { initRegistry } from '../init.ts';
import { publishVersion } from '../publish/publish.ts';
import { requireVersion, setDeprecated } from '../store/table.ts';
import { verifyVersion } from '../verify.ts';
import {
  addConnectionOptions,
  type RegistryCliOptions,
  resolveActor,
  sharedFlags,
  withContext,
  withInterrupt,
} from './connection.ts';
import { formatBytes, formatTable, writeOutput } from './output.ts';
import { createProgress } from './progress.ts';

/** Parses repeated `--metadata key=value` flags. */
export function parseMetadata(pairs: readonly string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RegistryError('invalid', `--metadata ${pair}: expected key=value`);
    metadata[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return metadata;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The byte-moving subcommands of `llmctl registry`. */
export function versionCommands(options: RegistryCliOptions): Command[] {
  const { io, env } = options;

  const init = addConnectionOptions(new Command('init'))
    .description('create the registry table and the versioned bucket when missing')
    .action(async (_opts, cmd: Command) => {
      const result = await withContext(cmd, options, initRegistry);
      writeOutput(io, sharedFlags(cmd).output, result, () =>
        formatTable(
          ['RESOURCE', 'NAME', 'STATE'],
          [
            ['table', result.table.name, result.table.created ? 'created' : 'exists'],
            ['bucket', result.bucket.name, `${result.bucket.created ? 'created' : 'exists'}, versioning on`],
          ],
        ),
      );
    });

  const publish = addConnectionOptions(new Command('publish'))
    .description('upload a model directory as a new immutable, checksummed version')
    .argument('<model>')
    .argument('<version>')
    .argument('<dir>')
    .option('--metadata <key=value>', 'free-form metadata, repeatable (e.g. quantization=awq)', collect, [])
    .option('--actor <name>', 'who publishes (env LLMCTL_ACTOR; default user@host)')
    .action(
      async (
        model: string,
        version: string,
        dir: string,
        opts: { metadata: string[]; actor?: string },
        cmd: Command,
      ) => {
        const metadata = parseMetadata(opts.metadata);
        const progress = createProgress(io, `publish ${model}@${version}`);
        const result = await withContext(cmd, options, (ctx) =>
          withInterrupt((signal) =>
            publishVersion(ctx, {
              model,
              version,
              dir,
              metadata,
              createdBy: resolveActor(opts.actor, env),
              signal,
              onProgress: (e) => progress.update(e),
            }),
          ),
        ).finally(() => progress.finish());
        writeOutput(
          io,
          sharedFlags(cmd).output,
          result.manifest,
          () =>
            `published ${model}@${version}: ${result.manifest.files.length} files, ${formatBytes(result.manifest.totalBytes)}, manifest sha256:${result.manifest.digest}\n`,
        );
      },
    );

  const verify = addConnectionOptions(new Command('verify'))
    .description('re-read every object of a version and compare SHA-256 digests with the manifest')
    .argument('<model>')
    .argument('<version|channel>')
    .action(async (model: string, ref: string, _opts, cmd: Command) => {
      const progress = createProgress(io, `verify ${model}@${ref}`);
      const report = await withContext(cmd, options, (ctx) =>
        verifyVersion(ctx, model, ref, (e) => progress.update(e)),
      ).finally(() => progress.finish());
      writeOutput(io, sharedFlags(cmd).output, report, () =>
        formatTable(
          ['FILE', 'SIZE', 'STATUS', 'SHA256'],
          report.files.map((f) => [f.path, formatBytes(f.expectedSize), f.status, f.actualSha256 ?? '-']),
        ),
      );
      const bad = report.files.filter((f) => f.status !== 'ok');
      if (bad.length > 0) {
        throw new RegistryError(
          'integrity',
          `verify ${model}@${report.version}: ${bad.length} of ${report.files.length} files differ from the manifest: ${bad.map((f) => `${f.path} (${f.status})`).join(', ')}`,
        );
      }
    });

  const fetch = addConnectionOptions(new Command('fetch'))
    .description('download a version (or the version a channel points at), verified, resumable')
    .argument('<model>')
    .argument('<version|channel>')
    .argument('<dir>')
    .action(async (model: string, ref: string, dir: string, _opts, cmd: Command) => {
      const progress = createProgress(io, `fetch ${model}@${ref}`);
      const result = await withContext(cmd, options, (ctx) =>
        withInterrupt((signal) =>
          fetchVersion(ctx, { model, ref, dir, signal, onProgress: (e) => progress.update(e) }),
        ),
      ).finally(() => progress.finish());
      writeOutput(io, sharedFlags(cmd).output, result, () =>
        formatTable(
          ['FILE', 'SIZE', 'SHA256', 'REUSED'],
          result.files.map((f) => [f.path, formatBytes(f.size), f.sha256, formatBytes(f.reusedBytes)]),
        ),
      );
    });

  const deprecate = addConnectionOptions(new Command('deprecate'))
    .description('flag a version as deprecated (it can no longer be promoted); bytes and manifest stay')
    .argument('<model>')
    .argument('<version>')
    .option('--reason <text>', 'why')
    .option('--undo', 'clear the flag')
    .action(
      async (model: string, version: string, opts: { reason?: string; undo?: boolean }, cmd: Command) => {
        const record = await withContext(cmd, options, async (ctx) => {
          await setDeprecated(ctx, model, version, !opts.undo, opts.reason);
          return requireVersion(ctx, model, version);
        });
        writeOutput(
          io,
          sharedFlags(cmd).output,
          record,
          () => `${model}@${version} ${record.deprecated ? 'deprecated' : 'no longer deprecated'}\n`,
        );
      },
    );

  return [init, publish, verify, fetch, deprecate];
}
