// Terraform: formatted by tofu, and checked without providers (see terraform/README.md for why `tofu
// validate` cannot run here): module calls match module interfaces, every reference resolves, and the
// registry, node groups and IAM roles have the properties the platform relies on.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModule, references, resource, type TfModule } from './hcl.ts';
import { TERRAFORM_DIR } from './paths.ts';
import { requireTool, run, tofu } from './tools.ts';

const MODULE_DIRS = [
  ...readdirSync(join(TERRAFORM_DIR, 'modules')).map((m) => join(TERRAFORM_DIR, 'modules', m)),
  ...readdirSync(join(TERRAFORM_DIR, 'environments')).map((e) => join(TERRAFORM_DIR, 'environments', e)),
];
// No CLI config of the machine's (it may name a file that is not there), no network check-ins.
const TOFU_ENV = { TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
const META_ARGUMENTS = new Set(['source', 'version', 'providers', 'depends_on', 'count', 'for_each']);

let modules: Map<string, TfModule>;
beforeAll(async () => {
  modules = new Map();
  for (const dir of MODULE_DIRS) modules.set(dir, await loadModule(dir));
});

const mod = (relative: string) => modules.get(join(TERRAFORM_DIR, relative))!;

describe('tofu', () => {
  it('finds every file formatted (tofu fmt -check)', async () => {
    const result = await run(requireTool(tofu()), ['fmt', '-check', '-recursive', '-diff', TERRAFORM_DIR], {
      env: TOFU_ENV,
    });
    expect(result.code, `files tofu fmt would change:\n${result.stdout}${result.stderr}`).toBe(0);
  });
});

describe('module interfaces', () => {
  it('documents and types every variable and output', () => {
    for (const [dir, m] of modules) {
      for (const [name, [body]] of Object.entries(m.variable)) {
        expect(body!.description, `${dir}: variable ${name}`).toBeTruthy();
        expect(body!.type, `${dir}: variable ${name}`).toBeTruthy();
      }
      for (const [name, [body]] of Object.entries(m.output))
        expect(body!.description, `${dir}: output ${name}`).toBeTruthy();
    }
  });

  it('passes every module exactly the inputs it declares, required ones included', () => {
    for (const [dir, m] of modules) {
      for (const [call, [body]] of Object.entries(m.module)) {
        const target = modules.get(resolve(dir, String(body!.source)));
        expect(target, `${dir}: module ${call} source ${body!.source}`).toBeDefined();
        const declared = Object.keys(target!.variable);
        const passed = Object.keys(body!).filter((k) => !META_ARGUMENTS.has(k));
        for (const input of passed)
          expect(declared, `${dir}: module ${call} input ${input}`).toContain(input);
        const required = Object.entries(target!.variable)
          .filter(([, [v]]) => !('default' in v!))
          .map(([name]) => name);
        for (const input of required)
          expect(passed, `${dir}: module ${call} misses ${input}`).toContain(input);
      }
    }
  });

  it('resolves every var., local. and module. reference', () => {
    for (const [dir, m] of modules) {
      const locals = new Set(m.locals.flatMap((l) => Object.keys(l)));
      for (const name of references(m, 'var'))
        expect(Object.keys(m.variable), `${dir}: var.${name}`).toContain(name);
      for (const name of references(m, 'local')) expect([...locals], `${dir}: local.${name}`).toContain(name);
      for (const ref of references(m, 'module')) {
        const [call, output] = ref.split('.');
        const body = m.module[call!]?.[0];
        expect(body, `${dir}: module.${call}`).toBeDefined();
        const target = modules.get(resolve(dir, String(body!.source)))!;
        // `depends_on = [module.eks]` names the module alone.
        if (output !== 'undefined')
          expect(Object.keys(target.output), `${dir}: module.${ref}`).toContain(output);
      }
    }
  });
});

describe('what the platform relies on', () => {
  it('keeps registry bytes versioned, lockable, encrypted and private', () => {
    const registry = mod('modules/registry');
    expect(resource(registry, 'aws_s3_bucket', 'registry').object_lock_enabled).toBe(true);
    expect(resource(registry, 'aws_s3_bucket_versioning', 'registry')).toMatchObject({
      versioning_configuration: [{ status: 'Enabled' }],
    });
    expect(resource(registry, 'aws_s3_bucket_public_access_block', 'registry')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const sse = resource(registry, 'aws_s3_bucket_server_side_encryption_configuration', 'registry');
    expect(JSON.stringify(sse)).toContain('"sse_algorithm":"aws:kms"');
  });

  it('gives the registry table the layout docs/registry.md describes, with point-in-time recovery', () => {
    const table = resource(mod('modules/registry'), 'aws_dynamodb_table', 'registry');
    expect(table).toMatchObject({
      hash_key: 'pk',
      range_key: 'sk',
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: [{ enabled: true }],
      deletion_protection_enabled: true,
    });
    expect(table.global_secondary_index).toBeUndefined();
  });

  it('taints GPU nodes, and spot GPU nodes twice, on the NVIDIA AMI', () => {
    const eks = mod('modules/eks');
    const gpu = resource(eks, 'aws_eks_node_group', 'gpu');
    expect(gpu.ami_type).toBe('AL2023_x86_64_NVIDIA');
    expect(eks.text).toMatch(/SPOT = \[[\s\S]*nvidia\.com\/gpu[\s\S]*switchyard\.dev\/spot/);
    expect(resource(eks, 'aws_eks_node_group', 'system').capacity_type).toBe('ON_DEMAND');
    const defaults = JSON.stringify(eks.variable.gpu_node_groups![0]!.default);
    expect(defaults).toContain('"capacity_type":"ON_DEMAND"');
    expect(defaults).toContain('"capacity_type":"SPOT"');
  });

  it('gives the operator registry read + channel write, model fetch read only, the gateway nothing', () => {
    const irsa = mod('modules/irsa');
    const read = JSON.stringify(irsa.data.aws_iam_policy_document!.registry_read);
    const write = JSON.stringify(irsa.data.aws_iam_policy_document!.channel_write);
    expect(read).not.toMatch(/PutObject|DeleteObject|UpdateItem|PutItem|DeleteItem/);
    expect(write).toContain('dynamodb:UpdateItem');
    expect(write).not.toMatch(/DeleteItem|s3:/);
    const attached = Object.values(irsa.resource.aws_iam_role_policy!).map((b) => String(b[0]!.role));
    expect(attached.filter((r) => r.includes('model_fetch'))).toHaveLength(1);
    expect(String(resource(irsa, 'aws_iam_role_policy', 'model_fetch_registry_read').policy)).toContain(
      'registry_read',
    );
    expect(Object.keys(irsa.resource.aws_iam_role!).sort()).toEqual(['model_fetch', 'operator']);
  });

  it('installs KEDA, kube-prometheus-stack, Jaeger behind an OTel collector, the device plugin and the chart', () => {
    const releases = mod('modules/addons').resource.helm_release!;
    expect(Object.keys(releases).sort()).toEqual(
      [
        'jaeger',
        'keda',
        'kube_prometheus_stack',
        'nvidia_device_plugin',
        'otel_collector',
        'switchyard',
      ].sort(),
    );
    for (const [name, [body]] of Object.entries(releases))
      if (name !== 'switchyard') expect(body!.version, `helm_release.${name} is pinned`).toBeTruthy();
  });
});
