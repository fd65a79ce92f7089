// The llmctl program: mounts each workspace's commands and turns every failure into one line on stderr
// and a non-zero exit code — in this one place. Errors carrying a numeric `exitCode` (RegistryError and
// its kin) keep their code; commander's usage errors keep theirs; anything else exits 1.
import { analyzeCommand, loadtestCommand } from '@switchyard/loadtest';
import { approveCommand, kubernetesHooks, statusCommand } from '@switchyard/operator';
import { type CliIo, registryCommands } from '@switchyard/registry';
import { Command, CommanderError } from 'commander';

/** Builds the llmctl command tree; tests pass their own io and env. */
export function buildProgram(options: {
  io: CliIo;
  env: Readonly<Record<string, string | undefined>>;
}): Command {
  const program = new Command('llmctl')
    .description('Switchyard: model registry, rollouts, load tests and trace analysis')
    .showHelpAfterError(false);
  // promote and rollback also move the ModelDeployments that follow the channel, when a cluster is in reach.
  for (const command of registryCommands({ ...options, hooks: kubernetesHooks(options.env) })) {
    program.addCommand(command);
  }
  program.addCommand(statusCommand(options));
  program.addCommand(approveCommand(options));
  program.addCommand(loadtestCommand(options));
  program.addCommand(analyzeCommand(options));
  applyEverywhere(program, (command) =>
    command.exitOverride().configureOutput({
      writeOut: (text) => options.io.stdout(text),
      writeErr: (text) => options.io.stderr(text),
      // Commander's own error text is rendered by renderCliError instead, as one line.
      outputError: () => {},
    }),
  );
  return program;
}

function applyEverywhere(command: Command, fn: (command: Command) => void) {
  fn(command);
  for (const sub of command.commands) applyEverywhere(sub, fn);
}

/** One line (no trailing newline) and an exit code for any thrown value. */
export function renderCliError(err: unknown): { line: string; exitCode: number } {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  if (err instanceof CommanderError) {
    // Usage errors exit 2 like other CLIs (commander's own default is 1).
    return { line: `llmctl: ${oneLine(err.message.replace(/^error: /, ''))}`, exitCode: 2 };
  }
  if (err instanceof Error) {
    const code = (err as { exitCode?: unknown }).exitCode;
    const exitCode = typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : 1;
    return { line: `llmctl: ${oneLine(err.message || err.name)}`, exitCode };
  }
  return { line: `llmctl: ${oneLine(String(err))}`, exitCode: 1 };
}

/** Runs llmctl with `argv` (without node and script) and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  options: { io: CliIo; env: Readonly<Record<string, string | undefined>> },
): Promise<number> {
  try {
    await buildProgram(options).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
    const { line, exitCode } = renderCliError(err);
    options.io.stderr(`${line}\n`);
    if (options.env.LLMCTL_DEBUG && err instanceof Error && err.stack) options.io.stderr(`${err.stack}\n`);
    return exitCode;
  }
}
