// testkit: what a component is (name, version, binaries, how to install) and its cache marker.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestkitError } from '../core/errors.ts';
import type { InstallContext } from './step.ts';

/** An installable component, cached under `<cache>/<name>-<version>/`. */
export interface Component {
  /** Component name used by the CLI and `ensureInstalled`, e.g. `kube`. */
  name: string;
  /** Pinned version; part of the cache key. */
  version: string;
  /** Cache folder (or where a system package lives). */
  dir: string;
  /** Binary name → absolute path, once installed. */
  binaries: Record<string, string>;
  /** `go`-built components share the CPU and are scheduled two at a time. */
  kind: 'go' | 'apt' | 'maven';
  /** Other components that must be installed first. */
  needs?: string[];
  /** Installs the component; must be idempotent. */
  install(ctx: InstallContext): Promise<void>;
}

interface Marker {
  version: string;
  installedAt: string;
  seconds: number;
}

function markerFile(component: Component): string {
  return join(component.dir, '.installed.json');
}

/** True when the component's marker and every binary are present. */
export function isInstalled(component: Component): boolean {
  if (component.kind !== 'apt' && !existsSync(markerFile(component))) return false;
  return Object.values(component.binaries).every((path) => existsSync(path));
}

/** Records a finished install (the marker is written last, so a half install is never taken as done). */
export function markInstalled(component: Component, seconds: number): void {
  if (component.kind === 'apt') return;
  mkdirSync(component.dir, { recursive: true });
  const marker: Marker = { version: component.version, installedAt: new Date().toISOString(), seconds };
  writeFileSync(markerFile(component), `${JSON.stringify(marker, null, 2)}\n`);
}

/** Seconds the recorded install took, if known. */
export function installedSeconds(component: Component): number | undefined {
  try {
    return (JSON.parse(readFileSync(markerFile(component), 'utf8')) as Marker).seconds;
  } catch {
    return undefined;
  }
}

/** Path of `binary` of an installed component; a clear error when it is missing. */
export function requireBinary(component: Component, binary: string): string {
  const path = component.binaries[binary];
  if (!path || !isInstalled(component)) {
    throw new TestkitError(
      component.name,
      'find binary',
      `${binary} (${component.name} ${component.version}) is not installed; run \`npm run testkit -- install ${component.name}\``,
    );
  }
  return path;
}
