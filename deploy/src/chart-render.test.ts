// The chart with its defaults: lint, what it renders, and that the rendered gateway and operator
// configuration is accepted by the gateway's and the operator's own loaders.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@switchyard/gateway';
import { loadOperatorConfig } from '@switchyard/operator';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { all, BASE_VALUES, helmTemplate, KUBE_VERSION, pick } from './chart.ts';
import { containerEnv, portNames, renderedGatewayConfig } from './chart-helpers.ts';
import { CHART_DIR, OPERATOR_CRD, OPERATOR_RBAC } from './paths.ts';
import { helm, requireTool, run } from './tools.ts';

describe('chart lint', () => {
  it('passes helm lint --strict with every value set in ci/', async () => {
    const binary = requireTool(helm());
    for (const file of ['default-values.yaml', 'keda-irsa-values.yaml', 'namespaced-values.yaml']) {
      const values = join(CHART_DIR, 'ci', file);
      const result = await run(binary, [
        'lint',
        '--strict',
        '--kube-version',
        KUBE_VERSION,
        CHART_DIR,
        '-f',
        values,
      ]);
      expect(result.code, `${file}:\n${result.stdout}${result.stderr}`).toBe(0);
    }
  });
});

describe('chart defaults', () => {
  it('names every template <kind>-<component>.yaml after the objects it renders', async () => {
    // Every optional template on, across two renders (cluster-wide and one watched namespace), so none
    // escapes the check.
    const everything = {
      keda: { enabled: true },
      gateway: { serviceMonitor: { enabled: true } },
      modelMetrics: { podMonitor: { enabled: true } },
    };
    const entries = [
      ...(await helmTemplate({ values: [BASE_VALUES, everything] })),
      ...(await helmTemplate({
        values: [BASE_VALUES, everything, { operator: { watchNamespace: 'models' } }],
      })),
    ];
    for (const { template, object } of entries) {
      const file = template.split('/').pop()!;
      expect(file.startsWith(`${object.kind.toLowerCase()}-`), `${template} renders ${object.kind}`).toBe(
        true,
      );
    }
    const files = readdirSync(join(CHART_DIR, 'templates'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `templates/${f}`);
    expect(new Set(entries.map((e) => e.template))).toEqual(new Set(files));
  });

  it('renders the gateway, the operator and their wiring', async () => {
    const entries = await helmTemplate();
    const kinds = entries.map((e) => `${e.object.kind}/${e.object.metadata.name}`).sort();
    expect(kinds).toEqual(
      [
        'ClusterRole/switchyard-gateway',
        'ClusterRole/switchyard-operator',
        'ClusterRoleBinding/switchyard-gateway',
        'ClusterRoleBinding/switchyard-operator',
        'Deployment/switchyard-gateway',
        'Deployment/switchyard-operator',
        'HorizontalPodAutoscaler/switchyard-gateway',
        'PodDisruptionBudget/switchyard-gateway',
        'Pod/switchyard-gateway-test',
        'Role/switchyard-operator-leader-election',
        'RoleBinding/switchyard-operator-leader-election',
        'Secret/switchyard-gateway-config',
        'Service/switchyard-gateway',
        'ServiceAccount/switchyard-gateway',
        'ServiceAccount/switchyard-model-fetch',
        'ServiceAccount/switchyard-operator',
      ].sort(),
    );
    const gateway = pick(entries, 'Deployment', 'switchyard-gateway');
    // The HPA owns the replica count; streams drain before SIGKILL.
    expect(gateway.spec.replicas).toBeUndefined();
    expect(gateway.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
    expect(portNames(gateway)).toEqual(['http', 'admin']);
    expect(gateway.spec.template.spec.containers[0].readinessProbe.httpGet).toEqual({
      path: '/readyz',
      port: 'admin',
    });
    const hpa = pick(entries, 'HorizontalPodAutoscaler', 'switchyard-gateway');
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(pick(entries, 'PodDisruptionBudget', 'switchyard-gateway').spec.minAvailable).toBe(1);
  });

  it('writes a gateway config the gateway itself accepts', async () => {
    const config = parseConfig(renderedGatewayConfig(await helmTemplate()), 'rendered config');
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      adminPort: 8081,
      drainTimeoutMs: 30_000,
    });
    expect(config.auth.keys).toEqual([{ ...BASE_VALUES.gateway.auth.keys[0] }]);
    expect(config.discovery.kubernetes).toEqual({ enabled: true });
    expect(config.scaler.enabled).toBe(false);
    expect(config.telemetry.otlpEndpoint).toBeUndefined();
    expect(config.rateLimits.store).toBe('memory');
  });

  it('rolls gateway pods when the config changes', async () => {
    const checksum = async (values: unknown[]) =>
      pick(await helmTemplate({ values }), 'Deployment', 'switchyard-gateway').spec.template.metadata
        .annotations['checksum/config'];
    const debug = { gateway: { config: { logging: { level: 'debug' } } } };
    expect(await checksum([BASE_VALUES, debug])).not.toBe(await checksum([BASE_VALUES]));
  });

  it('runs two operators electing a leader on a Lease in the release namespace', async () => {
    const entries = await helmTemplate();
    const operator = pick(entries, 'Deployment', 'switchyard-operator');
    expect(operator.spec.replicas).toBe(2);
    const env = containerEnv(operator);
    expect(env).toMatchObject({
      POD_NAME: '(from field)',
      POD_NAMESPACE: '(from field)',
      SWITCHYARD_OPERATOR_LEASE_NAME: 'switchyard-operator',
      SWITCHYARD_OPERATOR_MODEL_SERVICE_ACCOUNT: 'switchyard-model-fetch',
      SWITCHYARD_OPERATOR_SCALER_ADDRESS: 'switchyard-gateway-scaler.switchyard.svc:9090',
      LLMCTL_BUCKET: 'acme-switchyard-registry',
      LLMCTL_TABLE: 'switchyard-registry',
    });
    // Watching every namespace: no SWITCHYARD_OPERATOR_NAMESPACE.
    expect(env.SWITCHYARD_OPERATOR_NAMESPACE).toBeUndefined();
    expect(pick(entries, 'Role', 'switchyard-operator-leader-election').metadata.namespace).toBe(
      'switchyard',
    );
  });

  it('passes an operator configuration the operator itself accepts', async () => {
    const operator = pick(await helmTemplate(), 'Deployment', 'switchyard-operator');
    const env = { ...containerEnv(operator), POD_NAME: 'switchyard-operator-0', POD_NAMESPACE: 'switchyard' };
    expect(loadOperatorConfig({}, env)).toMatchObject({
      leaseNamespace: 'switchyard',
      leaseName: 'switchyard-operator',
      identity: 'switchyard-operator-0',
      leaseDurationSeconds: 15,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      concurrency: 8,
      versions: 'registry',
    });
  });

  it('grants exactly the rules of the operator canonical RBAC (operator/config/rbac)', async () => {
    const entries = await helmTemplate();
    const canonical = (file: string) =>
      parseAllDocuments(readFileSync(join(OPERATOR_RBAC, file), 'utf8'))
        .map((d) => d.toJSON() as { kind: string; rules?: unknown[] })
        .find((d) => d.rules)!.rules;
    // On a difference, copy the rules from operator/config/rbac/ into charts/switchyard/templates/_rbac-*.tpl.
    expect(pick(entries, 'ClusterRole', 'switchyard-operator').rules).toEqual(canonical('cluster-role.yaml'));
    expect(pick(entries, 'ClusterRole', 'switchyard-gateway').rules).toEqual(
      canonical('gateway-discovery.yaml'),
    );
    expect(pick(entries, 'Role', 'switchyard-operator-leader-election').rules).toEqual(
      canonical('leader-election-role.yaml'),
    );
  });

  it('grants no Secrets and no wildcards to anyone, and the gateway read-only', async () => {
    const entries = await helmTemplate();
    for (const role of [...all(entries, 'ClusterRole'), ...all(entries, 'Role')]) {
      for (const rule of role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
        expect(rule.resources, role.metadata.name).not.toContain('secrets');
        expect([...rule.resources, ...rule.verbs, ...rule.apiGroups], role.metadata.name).not.toContain('*');
      }
    }
    for (const rule of pick(entries, 'ClusterRole', 'switchyard-gateway').rules)
      expect(rule.verbs).toEqual(['list', 'watch']);
  });

  it('carries the CRD identical to the operator canonical copy', () => {
    const chartCopy = readFileSync(
      join(CHART_DIR, 'crds', 'modeldeployments.serving.switchyard.dev.yaml'),
      'utf8',
    );
    expect(
      chartCopy,
      'the chart CRD differs from operator/config/crd/: run bash deploy/scripts/sync-chart-crd.sh',
    ).toBe(readFileSync(OPERATOR_CRD, 'utf8'));
  });

  it('ships a sample ModelDeployment in examples/', () => {
    const sample = parse(readFileSync(join(CHART_DIR, 'examples', 'modeldeployment.yaml'), 'utf8'));
    expect(sample).toMatchObject({ apiVersion: 'serving.switchyard.dev/v1alpha1', kind: 'ModelDeployment' });
  });
});
