// testkit: install what is missing, in parallel where the machine allows, and say how long each took.

import { TestkitError } from '../core/errors.ts';
import { installedSeconds, isInstalled, markInstalled } from './component.ts';
import { COMPONENT_NAMES, type ComponentName, component } from './components.ts';
import { installContext } from './step.ts';

/** Options of {@link ensureInstalled}. */
export interface EnsureInstalledOptions {
  /** Progress printer; default writes `[testkit] ...` lines to stderr. */
  report?: (line: string) => void;
  /** Go builds run at most this many at a time (default 2: each already uses every core, but links are serial). */
  goConcurrency?: number;
  /** Throw when any component failed (default true); the others are still installed first. */
  throwOnFailure?: boolean;
}

/** What happened to one component. */
export interface InstallResult {
  name: ComponentName;
  version: string;
  status: 'cached' | 'installed' | 'failed';
  /** Seconds spent now (0 when cached). */
  seconds: number;
  /** Seconds the cold install took, when it was recorded. */
  coldSeconds: number | undefined;
  error?: TestkitError;
}

// Longest builds first, so two build slots finish together.
const GO_ORDER: ComponentName[] = ['kube', 'keda', 'jaeger', 'etcd', 'versitygw', 'helm', 'kwok'];

function defaultReport(line: string): void {
  process.stderr.write(`[testkit] ${line}\n`);
}

async function installOne(name: ComponentName, report: (line: string) => void): Promise<InstallResult> {
  const comp = component(name);
  if (isInstalled(comp)) {
    return { name, version: comp.version, status: 'cached', seconds: 0, coldSeconds: installedSeconds(comp) };
  }
  const started = Date.now();
  const ctx = installContext(name, report);
  try {
    await comp.install(ctx);
    const seconds = (Date.now() - started) / 1000;
    markInstalled(comp, seconds);
    if (!isInstalled(comp)) {
      throw new TestkitError(
        name,
        'install: verify',
        `binaries missing after install: ${Object.values(comp.binaries).join(', ')}`,
        {
          logFile: ctx.logFile,
        },
      );
    }
    report(`${name} ${comp.version}: installed in ${seconds.toFixed(1)}s`);
    return { name, version: comp.version, status: 'installed', seconds, coldSeconds: seconds };
  } catch (error) {
    const err =
      error instanceof TestkitError
        ? error
        : new TestkitError(name, 'install', String(error), { logFile: ctx.logFile, cause: error });
    report(`${name} ${comp.version}: FAILED: ${err.message}`);
    return {
      name,
      version: comp.version,
      status: 'failed',
      seconds: (Date.now() - started) / 1000,
      coldSeconds: undefined,
      error: err,
    };
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.max(1, size) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}

/**
 * Installs the named components that are not yet in the cache (all when `names` is empty); idempotent.
 * Returns one result per component; throws a {@link TestkitError} listing the failed ones unless told not to.
 */
export async function ensureInstalled(
  names: readonly ComponentName[] = COMPONENT_NAMES,
  options: EnsureInstalledOptions = {},
): Promise<InstallResult[]> {
  const report = options.report ?? defaultReport;
  const wanted = [...new Set(names.length ? names : COMPONENT_NAMES)];
  const results = new Map<ComponentName, InstallResult>();
  const run = async (name: ComponentName) => {
    results.set(name, await installOne(name, report));
  };
  const goNames = GO_ORDER.filter((name) => wanted.includes(name));
  const others = wanted.filter((name) => component(name).kind !== 'go');
  // apt and Maven steps are mostly downloads; they overlap with the Go builds. apt holds a lock, so one at a time.
  const apt = others.filter((name) => component(name).kind === 'apt');
  const rest = others.filter((name) => component(name).kind !== 'apt');
  await Promise.all([pool(goNames, options.goConcurrency ?? 2, run), pool(apt, 1, run), pool(rest, 2, run)]);
  const ordered = wanted.map((name) => results.get(name)!);
  const failed = ordered.filter((result) => result.status === 'failed');
  if (failed.length && (options.throwOnFailure ?? true)) {
    throw new TestkitError(
      failed.map((r) => r.name).join(', '),
      'install',
      failed.map((r) => r.error?.message ?? r.name).join('\n'),
    );
  }
  return ordered;
}
