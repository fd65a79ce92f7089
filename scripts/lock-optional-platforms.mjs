#!/usr/bin/env node
// Adds lockfile entries for platform-specific optional packages that this machine's registry does not serve
// (it carries only linux builds). Without them `npm ci` calls the lockfile out of sync; with them npm skips
// each entry as incompatible with the platform, as it would on a registry that had them. Idempotent.
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM_PACKAGES = {
  '@biomejs/cli': {
    'android-arm64': ['android', 'arm64'],
    'android-x64': ['android', 'x64'],
    'darwin-arm64': ['darwin', 'arm64'],
    'darwin-x64': ['darwin', 'x64'],
    'linux-arm64-musl': ['linux', 'arm64', 'musl'],
    'linux-x64-musl': ['linux', 'x64', 'musl'],
    'win32-arm64': ['win32', 'arm64'],
    'win32-x64': ['win32', 'x64'],
  },
};

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [prefix, platforms] of Object.entries(PLATFORM_PACKAGES)) {
  const owner = Object.entries(lock.packages).find(([, p]) =>
    Object.keys(p.optionalDependencies ?? {}).some((d) => d.startsWith(`${prefix}-`)),
  );
  if (!owner) continue;
  const [, parent] = owner;
  for (const [suffix, [os, cpu, libc]] of Object.entries(platforms)) {
    const name = `${prefix}-${suffix}`;
    const key = `node_modules/${name}`;
    if (lock.packages[key] || !parent.optionalDependencies[name]) continue;
    lock.packages[key] = {
      version: parent.optionalDependencies[name],
      cpu: [cpu],
      dev: parent.dev,
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added++;
  }
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-optional-platforms: ${added} entries added`);
