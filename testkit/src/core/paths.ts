// testkit: where things live on disk: the version-keyed install cache and per-run scratch folders.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the install cache: `$SWITCHYARD_CACHE` or `~/.cache/switchyard`. */
export function cacheRoot(): string {
  return process.env.SWITCHYARD_CACHE ?? join(homedir(), '.cache', 'switchyard');
}

/** The cache folder of one component at one version, e.g. `~/.cache/switchyard/kwok-v0.7.0`. */
export function componentDir(component: string, version: string): string {
  return join(cacheRoot(), `${component}-${version}`);
}

/** The testkit workspace folder (holds `go/` and `java/` wrapper projects). */
export function testkitDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The repository root (parent of testkit/). */
export function repoRoot(): string {
  return resolve(testkitDir(), '..');
}

/** Root for run folders (data dirs, logs): `$SWITCHYARD_RUN_DIR` or `<tmp>/switchyard-testkit`. */
export function runRoot(): string {
  const root = process.env.SWITCHYARD_RUN_DIR ?? join(tmpdir(), 'switchyard-testkit');
  mkdirSync(root, { recursive: true });
  return root;
}

/** A fresh scratch folder for one server instance, e.g. `<tmp>/switchyard-testkit/redis-Ab12`. */
export function makeRunDir(component: string): string {
  return mkdtempSync(join(runRoot(), `${component}-`));
}
