// The chart rendered with several value sets: what each setting turns into, checked on the objects.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@switchyard/gateway';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { all, BASE_VALUES, helmTemplate, KUBE_VERSION, pick, type RenderedObject } from './chart.ts';
import { CHART_DIR, OPERATOR_CRD } from './paths.ts';
import { helm, requireTool, run, runOk } from './tools.ts';

const OPERATOR_ROLE = 'arn:aws:iam::123456789012:role/switchyard-operator';
const FETCH_ROLE = 'arn:aws:iam::123456789012:role/switchyard-model-fetch';

function env(deployment: RenderedObject): Record<string, string> {
  const container = deployment.spec.template.spec.containers[0];
  return Object.fromEntries(
    (container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? '(from field)']),
  );
}

function gatewayConfig(entries: Awaited<ReturnType<typeof helmTemplate>>) {
  const secret = pick(entries, 'Secret', 'switchyard-gateway-config');
  return parse(secret.stringData['config.yaml'] as string) as Record<string, Record<string, unknown>>;
}

describe('chart lint', () => {
  it('passes helm lint --strict with every value set in ci/', async () => {
    const binary = requireTool(helm());
    for (const file of ['default-values.yaml', 'keda-irsa-values.yaml', 'namespaced-values.yaml']) {
      const result = await run(binary, [
        'lint',
        '--strict',
        '--kube-version',
        KUBE_VERSION,
        CHART_DIR,
        '-f',
        join(CHART_DIR, 'ci', file),
      ]);
      expect(result.code, `${file}:\n${result.stdout}${result.stderr}`).toBe(0);
    }
  });
});

describe('chart defaults', () => {
  it('names every template <kind>-<component>.yaml after the objects it renders', async () => {
    const entries = await helmTemplate({ values: [BASE_VALUES, { keda: { enabled: true } }] });
    for (const { template, object } of entries) {
      const file = template.split('/').pop()!;
      expect(file.startsWith(`${object.kind.toLowerCase()}-`), `${template} renders ${object.kind}`).toBe(
        true,
      );
    }
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
        'Service/switchyard-operator',
        'ServiceAccount/switchyard-gateway',
        'ServiceAccount/switchyard-model-fetch',
        'ServiceAccount/switchyard-operator',
      ].sort(),
    );
    const gateway = pick(entries, 'Deployment', 'switchyard-gateway');
    // The HPA owns the replica count.
    expect(gateway.spec.replicas).toBeUndefined();
    expect(gateway.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
    const ports = gateway.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name);
    expect(ports).toEqual(['http', 'admin']);
    expect(pick(entries, 'HorizontalPodAutoscaler', 'switchyard-gateway').spec.metrics[0].resource.name).toBe(
      'cpu',
    );
    expect(pick(entries, 'PodDisruptionBudget', 'switchyard-gateway').spec.minAvailable).toBe(1);
  });

  it('writes a gateway config the gateway itself accepts', async () => {
    const config = parseConfig(gatewayConfig(await helmTemplate()), 'rendered config');
    expect(config.server).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      adminPort: 8081,
      drainTimeoutMs: 30_000,
    });
    expect(config.auth.keys).toEqual([{ ...BASE_VALUES.gateway.auth.keys[0] }]);
    expect(config.scaler.enabled).toBe(false);
    expect(config.telemetry.otlpEndpoint).toBeUndefined();
    expect(config.rateLimits.store).toBe('memory');
    expect(config.discovery.kubernetes).toEqual({ enabled: true });
  });

  it('rolls gateway pods when the config changes', async () => {
    const before = pick(await helmTemplate(), 'Deployment', 'switchyard-gateway');
    const after = pick(
      await helmTemplate({ values: [BASE_VALUES, { gateway: { config: { logging: { level: 'debug' } } } }] }),
      'Deployment',
      'switchyard-gateway',
    );
    expect(after.spec.template.metadata.annotations['checksum/config']).not.toBe(
      before.spec.template.metadata.annotations['checksum/config'],
    );
  });

  it('runs the operator with leader election on a Lease and two replicas', async () => {
    const entries = await helmTemplate();
    const operator = pick(entries, 'Deployment', 'switchyard-operator');
    expect(operator.spec.replicas).toBe(2);
    expect(env(operator)).toMatchObject({
      SWITCHYARD_LEADER_ELECTION: 'true',
      SWITCHYARD_LEASE_NAME: 'switchyard-operator',
      SWITCHYARD_MODEL_SERVICE_ACCOUNT: 'switchyard-model-fetch',
    });
    const lease = pick(entries, 'Role', 'switchyard-operator-leader-election');
    expect(lease.rules[0]).toMatchObject({ apiGroups: ['coordination.k8s.io'], resources: ['leases'] });
  });

  it('grants least privilege: no Secrets, no wildcards, the gateway read-only', async () => {
    const entries = await helmTemplate();
    for (const role of [...all(entries, 'ClusterRole'), ...all(entries, 'Role')]) {
      for (const rule of role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
        expect(rule.resources, role.metadata.name).not.toContain('secrets');
        expect([...rule.resources, ...rule.verbs, ...rule.apiGroups], role.metadata.name).not.toContain('*');
      }
    }
    const gatewayRole = pick(entries, 'ClusterRole', 'switchyard-gateway');
    for (const rule of gatewayRole.rules) expect(rule.verbs).toEqual(['get', 'list', 'watch']);
    expect(gatewayRole.rules.flatMap((r: { resources: string[] }) => r.resources).sort()).toEqual([
      'modeldeployments',
      'pods',
    ]);
    const operatorRules = pick(entries, 'ClusterRole', 'switchyard-operator').rules as {
      resources: string[];
      verbs: string[];
    }[];
    const modelDeployments = operatorRules.find((r) => r.resources.includes('modeldeployments'))!;
    expect(modelDeployments.verbs).not.toContain('delete');
    expect(operatorRules.find((r) => r.resources.includes('scaledobjects'))!.verbs).toContain('create');
  });

  it('carries the CRD identical to the operator canonical copy', () => {
    const chartCopy = readFileSync(
      join(CHART_DIR, 'crds', 'modeldeployments.serving.switchyard.dev.yaml'),
      'utf8',
    );
    expect(chartCopy).toBe(readFileSync(OPERATOR_CRD, 'utf8'));
  });
});

describe('chart with KEDA, IRSA, OTLP and Redis', () => {
  const values = [
    BASE_VALUES,
    {
      aws: { region: 'us-east-1', irsa: { operatorRoleArn: OPERATOR_ROLE, modelFetchRoleArn: FETCH_ROLE } },
      registry: { bucket: 'acme-registry', table: 'switchyard-registry' },
      keda: { enabled: true, prometheusServerAddress: 'http://prometheus.monitoring.svc:9090' },
      otlp: { endpoint: 'http://otel-collector.observability.svc:4318' },
      redis: { url: 'rediss://redis.cache.svc:6380' },
      gateway: { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } },
      operator: { serviceMonitor: { enabled: true } },
    },
  ];

  it('wires the external scaler address into what the operator writes into ScaledObjects', async () => {
    const entries = await helmTemplate({ values, release: 'edge', namespace: 'serving' });
    const scaler = pick(entries, 'Service', 'edge-switchyard-gateway-scaler');
    expect(scaler.spec.ports[0]).toMatchObject({ port: 9090, targetPort: 'scaler', appProtocol: 'grpc' });
    expect(env(pick(entries, 'Deployment', 'edge-switchyard-operator'))).toMatchObject({
      SWITCHYARD_EXTERNAL_SCALER_ADDRESS: 'edge-switchyard-gateway-scaler.serving.svc:9090',
      SWITCHYARD_PROMETHEUS_ADDRESS: 'http://prometheus.monitoring.svc:9090',
    });
    const gateway = pick(entries, 'Deployment', 'edge-switchyard-gateway');
    expect(gateway.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain(
      'scaler',
    );
    const secret = pick(entries, 'Secret', 'edge-switchyard-gateway-config');
    const config = parseConfig(parse(secret.stringData['config.yaml']), 'rendered config');
    expect(config.scaler).toMatchObject({ enabled: true, host: '0.0.0.0', port: 9090 });
  });

  it('matches the CRD default scaler address for release "switchyard" in namespace "switchyard"', async () => {
    const crd = parse(readFileSync(OPERATOR_CRD, 'utf8'));
    const crdDefault =
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.scaling.properties
        .externalScalerAddress.default;
    const entries = await helmTemplate({ values });
    expect(env(pick(entries, 'Deployment', 'switchyard-operator')).SWITCHYARD_EXTERNAL_SCALER_ADDRESS).toBe(
      crdDefault,
    );
  });

  it('puts IRSA roles on the operator and model-fetch accounts, never on the gateway', async () => {
    const entries = await helmTemplate({ values });
    expect(pick(entries, 'ServiceAccount', 'switchyard-operator').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': OPERATOR_ROLE,
    });
    expect(pick(entries, 'ServiceAccount', 'switchyard-model-fetch').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': FETCH_ROLE,
    });
    expect(pick(entries, 'ServiceAccount', 'switchyard-gateway').metadata.annotations).toBeUndefined();
    expect(env(pick(entries, 'Deployment', 'switchyard-operator'))).toMatchObject({
      LLMCTL_BUCKET: 'acme-registry',
      LLMCTL_TABLE: 'switchyard-registry',
      AWS_REGION: 'us-east-1',
    });
  });

  it('sends traces to the OTLP endpoint and shares rate limits through Redis', async () => {
    const entries = await helmTemplate({ values });
    const config = parseConfig(gatewayConfig(entries), 'rendered config');
    expect(config.telemetry.otlpEndpoint).toBe('http://otel-collector.observability.svc:4318');
    expect(config.rateLimits.store).toBe('redis');
    expect(config.rateLimits.redis.url).toBe('rediss://redis.cache.svc:6380');
    expect(env(pick(entries, 'Deployment', 'switchyard-operator'))).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318',
      OTEL_SERVICE_NAME: 'switchyard-operator',
    });
  });

  it('renders ServiceMonitors for the gateway and the operator', async () => {
    const entries = await helmTemplate({ values });
    const monitor = pick(entries, 'ServiceMonitor', 'switchyard-gateway');
    expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'admin', path: '/metrics' });
    pick(entries, 'ServiceMonitor', 'switchyard-operator');
  });
});

describe('chart with watched namespaces and no autoscaling', () => {
  it('uses Roles in each watched namespace instead of a ClusterRole', async () => {
    const entries = await helmTemplate({
      values: [BASE_VALUES, { operator: { watchNamespaces: ['models-a', 'models-b'] } }],
    });
    expect(all(entries, 'ClusterRole').map((r) => r.metadata.name)).toEqual(['switchyard-gateway']);
    for (const ns of ['models-a', 'models-b']) {
      pick(entries, 'Role', 'switchyard-operator', ns);
      pick(entries, 'RoleBinding', 'switchyard-operator', ns);
      pick(entries, 'ServiceAccount', 'switchyard-model-fetch', ns);
    }
    expect(env(pick(entries, 'Deployment', 'switchyard-operator')).SWITCHYARD_WATCH_NAMESPACES).toBe(
      'models-a,models-b',
    );
  });

  it('confines gateway discovery to the one namespace the operator watches', async () => {
    const entries = await helmTemplate({
      values: [BASE_VALUES, { operator: { watchNamespaces: ['models'] } }],
    });
    expect(all(entries, 'ClusterRole')).toEqual([]);
    pick(entries, 'Role', 'switchyard-gateway', 'models');
    pick(entries, 'RoleBinding', 'switchyard-gateway', 'models');
    const config = parseConfig(gatewayConfig(entries), 'rendered config');
    expect(config.discovery.kubernetes).toEqual({ enabled: true, namespace: 'models' });
  });

  it('sets replicas itself, without HPA or PDB, when both are off', async () => {
    const entries = await helmTemplate({
      values: [
        BASE_VALUES,
        {
          gateway: { replicas: 3, autoscaling: { enabled: false }, podDisruptionBudget: { enabled: false } },
        },
      ],
    });
    expect(pick(entries, 'Deployment', 'switchyard-gateway').spec.replicas).toBe(3);
    expect(all(entries, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(all(entries, 'PodDisruptionBudget')).toEqual([]);
  });

  it('mounts an existing config Secret instead of rendering one', async () => {
    const entries = await helmTemplate({
      values: [{ gateway: { existingConfigSecret: 'gateway-config-from-vault' } }],
    });
    expect(all(entries, 'Secret')).toEqual([]);
    const volumes = pick(entries, 'Deployment', 'switchyard-gateway').spec.template.spec.volumes;
    expect(volumes[0].secret.secretName).toBe('gateway-config-from-vault');
  });
});

describe('chart examples', () => {
  it('ships a sample ModelDeployment that helm accepts next to the chart', async () => {
    const binary = requireTool(helm());
    await runOk(binary, ['show', 'chart', CHART_DIR]);
    const sample = parse(readFileSync(join(CHART_DIR, 'examples', 'modeldeployment.yaml'), 'utf8'));
    expect(sample).toMatchObject({ apiVersion: 'serving.switchyard.dev/v1alpha1', kind: 'ModelDeployment' });
  });
});
