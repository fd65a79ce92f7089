/**
 * Installs the peer gateways for `bench:peers` into a cache (`~/.cache/switchyard/peers/<name>-<version>`):
 * npm packages into their own prefix, PyPI packages into their own venv. An install is done once; a marker
 * file records success, a log file keeps the installer's output, and a failure is returned, never thrown,
 * so the benchmark can report it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Runs one installer command; rejects (with `stderr`) when it fails. */
export type Exec = (command: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

const execFileAsync = promisify(execFile);
const defaultExec: Exec = (command, args) =>
  execFileAsync(command, args, { timeout: 15 * 60_000, maxBuffer: 64 << 20 });

/** A peer to install: from npm (own prefix) or PyPI (own venv). */
export interface PeerPackage {
  name: string;
  registry: 'npm' | 'pypi';
  /** Package name with extras, e.g. `@portkey-ai/gateway` or `litellm[proxy]`. */
  package: string;
  /** Versions to try in order: the first that installs is used (a release's pins may not resolve here). */
  versions: string[];
}

/** Where an installed peer lives, or why it is not there. */
export type PeerInstall =
  | { name: string; status: 'installed'; dir: string; version: string; logFile: string }
  | { name: string; status: 'failed'; reason: string; logFile: string };

/** The cache root: `$SWITCHYARD_CACHE/peers`, default `~/.cache/switchyard/peers`. */
export function peersCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SWITCHYARD_CACHE ?? join(homedir(), '.cache', 'switchyard'), 'peers');
}

/** Installs the first of `pkg.versions` that installs, unless one is already there. Never throws. */
export async function ensurePeer(
  pkg: PeerPackage,
  cacheDir = peersCacheDir(),
  exec: Exec = defaultExec,
): Promise<PeerInstall> {
  const reasons: string[] = [];
  let last: PeerInstall | undefined;
  for (const version of pkg.versions) {
    last = await ensureVersion(pkg, version, cacheDir, exec);
    if (last.status === 'installed') return last;
    reasons.push(`${version}: ${last.reason}`);
  }
  return {
    name: pkg.name,
    status: 'failed',
    reason: reasons.join('; ') || 'no versions',
    logFile: last?.logFile ?? '',
  };
}

async function ensureVersion(
  pkg: PeerPackage,
  version: string,
  cacheDir: string,
  exec: Exec,
): Promise<PeerInstall> {
  const dir = join(cacheDir, `${pkg.name}-${version}`);
  const marker = join(dir, '.installed');
  const logFile = join(cacheDir, `${pkg.name}-${version}.install.log`);
  if (existsSync(marker)) return { name: pkg.name, status: 'installed', dir, version, logFile };
  // A version that failed here once fails again (its pins do not resolve): remove the folder to retry.
  const failed = join(dir, '.failed');
  if (existsSync(failed))
    return { name: pkg.name, status: 'failed', reason: readFileSync(failed, 'utf8'), logFile };
  const spec = pkg.registry === 'npm' ? `${pkg.package}@${version}` : `${pkg.package}==${version}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log: string[] = [];
  try {
    const steps: [string, string[]][] =
      pkg.registry === 'npm'
        ? [['npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--omit=dev', spec]]]
        : [
            ['python3', ['-m', 'venv', join(dir, 'venv')]],
            [join(dir, 'venv/bin/pip'), ['install', '--disable-pip-version-check', '-q', spec]],
          ];
    for (const [command, args] of steps) {
      log.push(`$ ${command} ${args.join(' ')}`);
      const out = await exec(command, args);
      log.push(out.stdout, out.stderr);
    }
    writeFileSync(marker, new Date().toISOString());
    writeFileSync(logFile, log.join('\n'));
    return { name: pkg.name, status: 'installed', dir, version, logFile };
  } catch (error) {
    const e = error as Error & { stderr?: string; stdout?: string };
    log.push(e.stdout ?? '', e.stderr ?? '', e.message);
    writeFileSync(logFile, log.join('\n'));
    const last = (e.stderr ?? e.message).trim().split('\n').filter(Boolean).at(-1) ?? e.message;
    const reason = last.slice(0, 300);
    writeFileSync(failed, reason);
    return { name: pkg.name, status: 'failed', reason, logFile };
  }
}
