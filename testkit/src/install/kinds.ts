// testkit: the three ways a component gets onto the machine: Debian packages, Maven Central, Go modules.

import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InstallContext } from './step.ts';
import { runStep } from './step.ts';

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' };
const APT_LISTS = '/var/lib/apt/lists';

/** Installs Debian packages, refreshing the package lists once if the first try fails. */
export async function aptInstall(ctx: InstallContext, packages: string[]): Promise<void> {
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  const listsPresent = existsSync(APT_LISTS) && readdirSync(APT_LISTS).some((f) => f.endsWith('_Packages'));
  if (!listsPresent) await runStep(ctx, 'apt-get update', 'apt-get', ['update'], { env: APT_ENV });
  try {
    await runStep(ctx, `apt-get install ${packages.join(' ')}`, 'apt-get', args, { env: APT_ENV });
  } catch {
    await runStep(ctx, 'apt-get update', 'apt-get', ['update'], { env: APT_ENV });
    await runStep(ctx, `apt-get install ${packages.join(' ')} (after update)`, 'apt-get', args, {
      env: APT_ENV,
    });
  }
}

/** `go install pkg@version` into `<dir>/bin`. */
export async function goInstall(
  ctx: InstallContext,
  dir: string,
  pkg: string,
  version: string,
  ldflags = '',
): Promise<void> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const args = ['install', '-trimpath'];
  if (ldflags) args.push('-ldflags', ldflags);
  args.push(`${pkg}@${version}`);
  await runStep(ctx, `go install ${pkg}@${version}`, 'go', args, { env: { GOBIN: bin }, nice: true });
}

/** `go build` of packages of a wrapper module kept in `testkit/go/<module>`, binaries into `<dir>/bin/` (or `<dir>/bin/<outputName>`). */
export async function goBuildWrapper(
  ctx: InstallContext,
  moduleDir: string,
  dir: string,
  packages: string[],
  ldflags = '',
  outputName?: string,
): Promise<void> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  await runStep(ctx, 'go mod download', 'go', ['mod', 'download'], { cwd: moduleDir });
  const args = ['build', '-trimpath'];
  if (ldflags) args.push('-ldflags', ldflags);
  args.push('-o', outputName ? join(bin, outputName) : `${bin}/`, ...packages);
  await runStep(ctx, `go build ${packages.map((p) => p.split('/').pop()).join(' ')}`, 'go', args, {
    cwd: moduleDir,
    nice: true,
  });
}

/** Copies a Maven project's runtime dependencies into `<dir>/lib`. */
export async function mavenCopyDependencies(
  ctx: InstallContext,
  pom: string,
  dir: string,
  properties: Record<string, string>,
): Promise<void> {
  const props = Object.entries(properties).map(([k, v]) => `-D${k}=${v}`);
  await runStep(ctx, 'mvn dependency:copy-dependencies', 'mvn', [
    '-B',
    '-q',
    '-f',
    pom,
    ...props,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${join(dir, 'lib')}`,
  ]);
}
