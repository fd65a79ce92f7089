// What the registry workspace contributes to llmctl: the `registry` command group plus top-level
// `promote` and `rollback`. bin/llmctl.ts mounts these and renders errors.
import { Command } from 'commander';
import { channelCommands } from './channel-commands.ts';
import type { RegistryCliOptions } from './connection.ts';
import { processIo } from './output.ts';
import { queryCommands } from './query-commands.ts';
import { versionCommands } from './version-commands.ts';

/**
 * The registry's commands for llmctl. Defaults: the process's stdout/stderr and environment, no hooks;
 * the operator passes `hooks` so promote and rollback also move its Kubernetes resource.
 */
export function registryCommands(options: Partial<RegistryCliOptions> = {}): Command[] {
  const resolved: RegistryCliOptions = {
    io: options.io ?? processIo,
    env: options.env ?? process.env,
    ...(options.hooks ? { hooks: options.hooks } : {}),
  };
  const registry = new Command('registry').description(
    'checksummed model versions in S3, indexed in DynamoDB',
  );
  for (const command of [...versionCommands(resolved), ...queryCommands(resolved)])
    registry.addCommand(command);
  return [registry, ...channelCommands(resolved)];
}
