// deploy: the external tools the deployment tests drive (helm, promtool, tofu): where each is, the command
// that installs it, and one way to run them. A missing tool is an error naming that command: no skips.

import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HELM_VERSION } from '@switchyard/testkit';
import { REPO_ROOT } from './paths.ts';

/** An external tool: its name, where it is expected, how to install it. */
export interface Tool {
  name: string;
  path: string;
  install: string;
}

function cacheRoot(): string {
  return process.env.SWITCHYARD_CACHE ?? join(homedir(), '.cache', 'switchyard');
}

/** The OpenTofu version pinned by deploy/go/tofu/go.mod. */
export function tofuVersion(): string {
  const goMod = readFileSync(join(REPO_ROOT, 'deploy', 'go', 'tofu', 'go.mod'), 'utf8');
  const match = /^require github\.com\/opentofu\/opentofu (v\S+)$/m.exec(goMod);
  if (!match) throw new Error('deploy/go/tofu/go.mod does not pin github.com/opentofu/opentofu');
  return match[1]!;
}

/** helm, built by testkit into its cache. */
export const helm = (): Tool => ({
  name: `helm ${HELM_VERSION}`,
  path: join(cacheRoot(), `helm-${HELM_VERSION}`, 'bin', 'helm'),
  install: 'npm run testkit -- install helm',
});

/** promtool, from Debian's prometheus package (testkit installs it). */
export const promtool = (): Tool => ({
  name: 'promtool',
  path: '/usr/bin/promtool',
  install: 'npm run testkit -- install prometheus',
});

/** tofu, built from the Go module proxy by deploy/scripts/install-tofu.sh. */
export const tofu = (): Tool => ({
  name: `tofu ${tofuVersion()}`,
  path: join(cacheRoot(), `tofu-${tofuVersion()}`, 'bin', 'tofu'),
  install: 'bash deploy/scripts/install-tofu.sh',
});

/** The tool's path; throws naming the tool and its install command when it is not there. */
export function requireTool(tool: Tool): string {
  try {
    accessSync(tool.path, constants.X_OK);
  } catch {
    throw new Error(
      `${tool.name} is not installed (expected at ${tool.path}); install it with: ${tool.install}`,
    );
  }
  return tool.path;
}

/** What a finished command printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `binary args` and resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(
  binary: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: { ...process.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 120_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${binary} ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs and insists on exit code 0; the error carries the command and its output. */
export async function runOk(
  binary: string,
  args: string[],
  options: Parameters<typeof run>[2] = {},
): Promise<RunResult> {
  const result = await run(binary, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${binary} ${args.join(' ')} exited ${result.code}\n${result.stderr}\n${result.stdout}`.trim(),
    );
  }
  return result;
}
