// The chart with non-default value sets: KEDA, IRSA, OTLP, Redis, a watched namespace, fixed replicas,
// an existing config Secret. Each setting checked on the objects it turns into.

import { ServingLabel } from '@switchyard/api';
import { parseConfig } from '@switchyard/gateway';
import { describe, expect, it } from 'vitest';
import { all, BASE_VALUES, helmTemplate, pick } from './chart.ts';
import { containerEnv, portNames, renderedGatewayConfig } from './chart-helpers.ts';

const OPERATOR_ROLE = 'arn:aws:iam::123456789012:role/switchyard-operator';
const FETCH_ROLE = 'arn:aws:iam::123456789012:role/switchyard-model-fetch';

describe('chart with KEDA, IRSA, OTLP and Redis', () => {
  const values = [
    BASE_VALUES,
    {
      aws: { region: 'us-east-1', irsa: { operatorRoleArn: OPERATOR_ROLE, modelFetchRoleArn: FETCH_ROLE } },
      keda: { enabled: true },
      otlp: { endpoint: 'http://otel-collector.observability.svc:4318' },
      redis: { url: 'rediss://redis.cache.svc:6380' },
      gateway: { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } },
      modelMetrics: { podMonitor: { enabled: true } },
    },
  ];

  it('serves the KEDA external scaler from every gateway behind its own Service', async () => {
    const entries = await helmTemplate({ values, release: 'edge', namespace: 'serving' });
    const scaler = pick(entries, 'Service', 'edge-switchyard-gateway-scaler');
    expect(scaler.spec.ports[0]).toMatchObject({ port: 9090, targetPort: 'scaler', appProtocol: 'grpc' });
    expect(scaler.spec.selector).toEqual(pick(entries, 'Service', 'edge-switchyard-gateway').spec.selector);
    expect(portNames(pick(entries, 'Deployment', 'edge-switchyard-gateway'))).toContain('scaler');
    const config = parseConfig(renderedGatewayConfig(entries, 'edge-switchyard'), 'rendered config');
    expect(config.scaler).toMatchObject({ enabled: true, host: '0.0.0.0', port: 9090 });
  });

  it('tells the operator where its scaler Service is, whatever the release name and namespace', async () => {
    const entries = await helmTemplate({ values, release: 'edge', namespace: 'ml-platform' });
    const scaler = pick(entries, 'Service', 'edge-switchyard-gateway-scaler');
    const operator = pick(entries, 'Deployment', 'edge-switchyard-operator');
    expect(containerEnv(operator).SWITCHYARD_OPERATOR_SCALER_ADDRESS).toBe(
      `${scaler.metadata.name}.ml-platform.svc:${scaler.spec.ports[0].port}`,
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
    expect(containerEnv(pick(entries, 'Deployment', 'switchyard-operator')).AWS_REGION).toBe('us-east-1');
  });

  it('sends gateway traces to the OTLP endpoint and shares rate limits through Redis', async () => {
    const config = parseConfig(renderedGatewayConfig(await helmTemplate({ values })), 'rendered config');
    expect(config.telemetry.otlpEndpoint).toBe('http://otel-collector.observability.svc:4318');
    expect(config.rateLimits.store).toBe('redis');
    expect(config.rateLimits.redis.url).toBe('rediss://redis.cache.svc:6380');
  });

  it('renders a ServiceMonitor for the gateway and a PodMonitor for the model pods', async () => {
    const entries = await helmTemplate({ values });
    const monitor = pick(entries, 'ServiceMonitor', 'switchyard-gateway');
    expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'admin', path: '/metrics' });
    const models = pick(entries, 'PodMonitor', 'switchyard-models');
    // The operator labels every revision pod with its ModelDeployment and names the engine port `http`.
    expect(models.spec.selector.matchExpressions[0]).toEqual({
      key: ServingLabel.modelDeployment,
      operator: 'Exists',
    });
    expect(models.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    expect(models.spec.namespaceSelector).toEqual({ any: true });
  });
});

describe('chart with a watched namespace, fixed replicas, an existing config Secret', () => {
  it('confines the operator and the gateway to operator.watchNamespace with Roles there', async () => {
    const entries = await helmTemplate({ values: [BASE_VALUES, { operator: { watchNamespace: 'models' } }] });
    expect(all(entries, 'ClusterRole')).toEqual([]);
    for (const name of ['switchyard-operator', 'switchyard-gateway']) {
      pick(entries, 'Role', name, 'models');
      pick(entries, 'RoleBinding', name, 'models');
    }
    pick(entries, 'ServiceAccount', 'switchyard-model-fetch', 'models');
    expect(
      containerEnv(pick(entries, 'Deployment', 'switchyard-operator')).SWITCHYARD_OPERATOR_NAMESPACE,
    ).toBe('models');
    const config = parseConfig(renderedGatewayConfig(entries), 'rendered config');
    expect(config.discovery.kubernetes).toEqual({ enabled: true, namespace: 'models' });
  });

  it('creates the model-fetch account in every namespace listed', async () => {
    const entries = await helmTemplate({
      values: [BASE_VALUES, { modelFetch: { serviceAccount: { namespaces: ['team-a', 'team-b'] } } }],
    });
    const namespaces = all(entries, 'ServiceAccount')
      .filter((a) => a.metadata.name === 'switchyard-model-fetch')
      .map((a) => a.metadata.namespace);
    expect(namespaces).toEqual(['team-a', 'team-b']);
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
      values: [
        { registry: BASE_VALUES.registry, gateway: { existingConfigSecret: 'gateway-config-from-vault' } },
      ],
    });
    expect(all(entries, 'Secret')).toEqual([]);
    const volumes = pick(entries, 'Deployment', 'switchyard-gateway').spec.template.spec.volumes;
    expect(volumes[0].secret.secretName).toBe('gateway-config-from-vault');
  });

  it('runs the operator without registry access when versions is none', async () => {
    const entries = await helmTemplate({
      values: [{ gateway: BASE_VALUES.gateway, operator: { versions: 'none' } }],
    });
    const env = containerEnv(pick(entries, 'Deployment', 'switchyard-operator'));
    expect(env.SWITCHYARD_OPERATOR_VERSIONS).toBe('none');
    expect(env.LLMCTL_BUCKET).toBeUndefined();
  });
});
