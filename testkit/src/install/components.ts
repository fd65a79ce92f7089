// testkit: every installable component, pinned, with its binaries and install recipe.

import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { componentDir, testkitDir } from '../core/paths.ts';
import {
  DYNAMODB_LOCAL_VERSION,
  ETCD_VERSION,
  HELM_VERSION,
  JAEGER_VERSION,
  KEDA_VERSION,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  VERSITYGW_VERSION,
} from '../versions.ts';
import type { Component } from './component.ts';
import { aptInstall, goBuildWrapper, goInstall, mavenCopyDependencies } from './kinds.ts';

/** Names accepted by `ensureInstalled` and the CLI. */
export const COMPONENT_NAMES = [
  'redis',
  'prometheus',
  'dynamodb-local',
  'versitygw',
  'jaeger',
  'etcd',
  'kube',
  'kwok',
  'keda',
  'helm',
] as const;

/** One of {@link COMPONENT_NAMES}. */
export type ComponentName = (typeof COMPONENT_NAMES)[number];

function goDir(module: string): string {
  return join(testkitDir(), 'go', module);
}

function kubeLdflags(version: string): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const vars: Record<string, string> = {
    gitVersion: version,
    gitMajor: major ?? '',
    gitMinor: minor ?? '',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
  };
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    for (const [key, value] of Object.entries(vars)) flags.push(`-X ${pkg}.${key}=${value}`);
  }
  return flags.join(' ');
}

function bins(dir: string, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, join(dir, 'bin', name)]));
}

function makeComponents(): Record<ComponentName, Component> {
  const kubeDir = componentDir('kube', KUBERNETES_VERSION);
  const etcdDir = componentDir('etcd', ETCD_VERSION);
  const kwokDir = componentDir('kwok', KWOK_VERSION);
  const jaegerDir = componentDir('jaeger', JAEGER_VERSION);
  const versityDir = componentDir('versitygw', VERSITYGW_VERSION);
  const kedaDir = componentDir('keda', KEDA_VERSION);
  const helmDir = componentDir('helm', HELM_VERSION);
  const ddbDir = componentDir('dynamodb-local', DYNAMODB_LOCAL_VERSION);
  return {
    redis: {
      name: 'redis',
      version: 'debian',
      dir: '/usr/bin',
      kind: 'apt',
      binaries: { 'redis-server': '/usr/bin/redis-server', 'redis-cli': '/usr/bin/redis-cli' },
      install: (ctx) => aptInstall(ctx, ['redis-server']),
    },
    prometheus: {
      name: 'prometheus',
      version: 'debian',
      dir: '/usr/bin',
      kind: 'apt',
      binaries: { prometheus: '/usr/bin/prometheus', promtool: '/usr/bin/promtool' },
      install: (ctx) => aptInstall(ctx, ['prometheus']),
    },
    'dynamodb-local': {
      name: 'dynamodb-local',
      version: DYNAMODB_LOCAL_VERSION,
      dir: ddbDir,
      kind: 'maven',
      binaries: {
        jar: join(ddbDir, 'lib', `DynamoDBLocal-${DYNAMODB_LOCAL_VERSION}.jar`),
        sqlite4java: join(ddbDir, 'lib', 'libsqlite4java-linux-amd64-1.0.392.so'),
      },
      install: (ctx) =>
        mavenCopyDependencies(ctx, join(testkitDir(), 'java', 'dynamodb-local', 'pom.xml'), ddbDir, {
          'dynamodb.local.version': DYNAMODB_LOCAL_VERSION,
        }),
    },
    versitygw: {
      name: 'versitygw',
      version: VERSITYGW_VERSION,
      dir: versityDir,
      kind: 'go',
      binaries: bins(versityDir, ['versitygw']),
      install: (ctx) =>
        goInstall(ctx, versityDir, 'github.com/versity/versitygw/cmd/versitygw', VERSITYGW_VERSION),
    },
    jaeger: {
      name: 'jaeger',
      version: JAEGER_VERSION,
      dir: jaegerDir,
      kind: 'go',
      binaries: bins(jaegerDir, ['jaeger']),
      // Jaeger's go.mod has a replace directive, so `go install pkg@version` refuses it: a wrapper module builds it.
      install: (ctx) =>
        goBuildWrapper(
          ctx,
          goDir('jaeger'),
          jaegerDir,
          ['github.com/jaegertracing/jaeger/cmd/jaeger'],
          '-s -w',
          'jaeger',
        ),
    },
    etcd: {
      name: 'etcd',
      version: ETCD_VERSION,
      dir: etcdDir,
      kind: 'go',
      binaries: bins(etcdDir, ['etcd']),
      install: (ctx) =>
        goBuildWrapper(ctx, goDir('etcd'), etcdDir, ['go.etcd.io/etcd/server/v3'], '-s -w', 'etcd'),
    },
    kube: {
      name: 'kube',
      version: KUBERNETES_VERSION,
      dir: kubeDir,
      kind: 'go',
      binaries: bins(kubeDir, ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']),
      install: (ctx) =>
        goBuildWrapper(
          ctx,
          goDir('kube'),
          kubeDir,
          [
            'k8s.io/kubernetes/cmd/kube-apiserver',
            'k8s.io/kubernetes/cmd/kube-controller-manager',
            'k8s.io/kubernetes/cmd/kube-scheduler',
          ],
          kubeLdflags(KUBERNETES_VERSION),
        ),
    },
    kwok: {
      name: 'kwok',
      version: KWOK_VERSION,
      dir: kwokDir,
      kind: 'go',
      binaries: bins(kwokDir, ['kwok']),
      install: (ctx) =>
        goInstall(
          ctx,
          kwokDir,
          'sigs.k8s.io/kwok/cmd/kwok',
          KWOK_VERSION,
          `-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}`,
        ),
    },
    keda: {
      name: 'keda',
      version: KEDA_VERSION,
      dir: kedaDir,
      kind: 'go',
      binaries: {
        ...bins(kedaDir, ['operator', 'adapter']),
        crds: join(kedaDir, 'crds', 'keda.sh_scaledobjects.yaml'),
      },
      install: async (ctx) => {
        await goBuildWrapper(
          ctx,
          goDir('keda'),
          kedaDir,
          ['github.com/kedacore/keda/v2/cmd/operator', 'github.com/kedacore/keda/v2/cmd/adapter'],
          `-s -w -X github.com/kedacore/keda/v2/version.Version=${KEDA_VERSION.replace(/^v/, '')}`,
        );
        await copyKedaCrds(kedaDir);
      },
    },
    helm: {
      name: 'helm',
      version: HELM_VERSION,
      dir: helmDir,
      kind: 'go',
      binaries: bins(helmDir, ['helm']),
      install: (ctx) =>
        goInstall(
          ctx,
          helmDir,
          'helm.sh/helm/v3/cmd/helm',
          HELM_VERSION,
          `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
        ),
    },
  };
}

async function copyKedaCrds(kedaDir: string): Promise<void> {
  const { execFileSync } = await import('node:child_process');
  const moduleDir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'github.com/kedacore/keda/v2'], {
    cwd: goDir('keda'),
    encoding: 'utf8',
  }).trim();
  const from = join(moduleDir, 'config', 'crd', 'bases');
  const to = join(kedaDir, 'crds');
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) cpSync(join(from, file), join(to, file));
}

let cached: Record<ComponentName, Component> | undefined;

/** The component table (paths follow `SWITCHYARD_CACHE` at first use). */
export function components(): Record<ComponentName, Component> {
  cached ??= makeComponents();
  return cached;
}

/** One component by name. */
export function component(name: ComponentName): Component {
  return components()[name];
}

/** True when `name` is a known component name. */
export function isComponentName(name: string): name is ComponentName {
  return (COMPONENT_NAMES as readonly string[]).includes(name);
}
