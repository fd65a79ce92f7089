/** Picks the version source the configuration asks for (the registry's from LLMCTL_* variables, or none). */
import { createRegistryContext, loadRegistryConfig } from '@switchyard/registry';
import { registryVersionSource, staticVersionSource, type VersionSource } from './version-source.ts';

/** `registry`: channels resolved and manifests checked in the registry; `none`: versions taken as written. */
export function createVersionSource(
  kind: 'registry' | 'none',
  env: Readonly<Record<string, string | undefined>>,
): VersionSource {
  if (kind === 'none') return staticVersionSource();
  return registryVersionSource(createRegistryContext(loadRegistryConfig({}, env)));
}
