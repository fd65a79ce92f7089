// `llmctl registry list|describe|history`: read-only views of models, versions, channels and the audit trail.
import { Command } from 'commander';
import { loadVersion } from '../read-version.ts';
import { listAudit, listChannels, listModels, listVersions } from '../store/table.ts';
import { addConnectionOptions, type RegistryCliOptions, sharedFlags, withContext } from './connection.ts';
import { formatBytes, formatTable, writeOutput } from './output.ts';

/** The read-only subcommands of `llmctl registry`. */
export function queryCommands(options: RegistryCliOptions): Command[] {
  const { io } = options;

  const list = addConnectionOptions(new Command('list'))
    .description('list models, or the versions of one model with the channels pointing at each')
    .argument('[model]')
    .action(async (model: string | undefined, _opts, cmd: Command) => {
      const format = sharedFlags(cmd).output;
      await withContext(cmd, options, async (ctx) => {
        if (model === undefined) {
          const models = await listModels(ctx);
          writeOutput(io, format, models, () =>
            formatTable(
              ['MODEL', 'VERSIONS', 'LATEST', 'CREATED'],
              models.map((m) => [m.model, String(m.versionCount), m.latestVersion ?? '-', m.createdAt]),
            ),
          );
          return;
        }
        const [versions, channels] = await Promise.all([listVersions(ctx, model), listChannels(ctx, model)]);
        const channelsOf = (v: string) => channels.filter((c) => c.version === v).map((c) => c.channel);
        const rows = versions.map((v) => ({ ...v, channels: channelsOf(v.version) }));
        writeOutput(io, format, rows, () =>
          formatTable(
            ['VERSION', 'FILES', 'SIZE', 'CHANNELS', 'DEPRECATED', 'CREATED', 'BY'],
            rows.map((v) => [
              v.version,
              String(v.fileCount),
              formatBytes(v.totalBytes),
              v.channels.join(',') || '-',
              v.deprecated ? 'yes' : 'no',
              v.createdAt,
              v.createdBy,
            ]),
          ),
        );
      });
    });

  const describe = addConnectionOptions(new Command('describe'))
    .description('show a version (or the version a channel points at): record, metadata, files and digests')
    .argument('<model>')
    .argument('<version|channel>')
    .action(async (model: string, ref: string, _opts, cmd: Command) => {
      const { record, manifest, channel } = await withContext(cmd, options, (ctx) =>
        loadVersion(ctx, model, ref),
      );
      const value = { ...(channel ? { resolvedFrom: { channel } } : {}), record, manifest };
      writeOutput(io, sharedFlags(cmd).output, value, () => {
        const head = [
          `model:      ${record.model}`,
          `version:    ${record.version}${channel ? ` (channel ${channel})` : ''}`,
          `created:    ${record.createdAt} by ${record.createdBy}`,
          `size:       ${formatBytes(record.totalBytes)} in ${record.fileCount} files`,
          `manifest:   sha256:${record.manifestDigest}`,
          `deprecated: ${record.deprecated ? `yes${record.deprecatedReason ? ` (${record.deprecatedReason})` : ''}` : 'no'}`,
          ...Object.entries(record.metadata).map(([k, v]) => `metadata:   ${k}=${v}`),
        ];
        const files = formatTable(
          ['FILE', 'SIZE', 'SHA256'],
          manifest.files.map((f) => [f.path, formatBytes(f.size), f.sha256]),
        );
        return `${head.join('\n')}\n\n${files}`;
      });
    });

  const history = addConnectionOptions(new Command('history'))
    .description('the audit trail of channel moves, newest first')
    .argument('<model>')
    .option('--channel <name>', 'only this channel')
    .action(async (model: string, opts: { channel?: string }, cmd: Command) => {
      const entries = await withContext(cmd, options, (ctx) => listAudit(ctx, model, opts.channel));
      writeOutput(io, sharedFlags(cmd).output, entries, () =>
        formatTable(
          ['CHANNEL', 'REVISION', 'ACTION', 'FROM', 'TO', 'WHO', 'WHEN', 'REASON'],
          entries.map((e) => [
            e.channel,
            String(e.revision),
            e.action,
            e.fromVersion ?? '-',
            e.toVersion,
            e.actor,
            e.at,
            e.reason ?? '',
          ]),
        ),
      );
    });

  return [list, describe, history];
}
