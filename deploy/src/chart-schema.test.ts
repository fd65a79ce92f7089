// values.schema.json and the chart's own checks refuse bad values, each with a message naming the value.

import { describe, expect, it } from 'vitest';
import { BASE_VALUES, helmTemplateRaw } from './chart.ts';

const key = BASE_VALUES.gateway.auth.keys[0]!;

// [what is wrong, values over BASE_VALUES, text helm's error must contain]
const REJECTED: [string, unknown, string[]][] = [
  ['a misspelled top-level key', { gatway: {} }, ['gatway']],
  ['a misspelled nested key', { gateway: { autoscalling: { enabled: true } } }, ['autoscalling']],
  ['replicas as a string', { gateway: { replicas: 'two' } }, ['/gateway/replicas', 'integer']],
  [
    'a port out of range',
    { gateway: { ports: { http: 70000, admin: 8081, scaler: 9090 } } },
    ['/gateway/ports/http'],
  ],
  [
    'an API key that is the key, not its hash',
    { gateway: { auth: { keys: [{ ...key, sha256: 'sk-live-123' }] } } },
    ['/gateway/auth/keys/0/sha256'],
  ],
  [
    'an API key without a tenant',
    { gateway: { auth: { keys: [{ id: 'x', sha256: key.sha256 }] } } },
    ['tenant'],
  ],
  ['auth disabled in a cluster', { gateway: { auth: { mode: 'disabled' } } }, ['/gateway/auth/mode']],
  [
    'an IRSA role that is not an ARN',
    { aws: { irsa: { operatorRoleArn: 'switchyard-operator' } } },
    ['/aws/irsa/operatorRoleArn'],
  ],
  [
    'an IRSA role on the gateway',
    {
      gateway: {
        serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/x' } },
      },
    },
    ['/gateway/serviceAccount/annotations'],
  ],
  ['a Redis address without a scheme', { redis: { url: 'redis.cache:6379' } }, ['/redis/url']],
  ['an OTLP endpoint without a scheme', { otlp: { endpoint: 'otel-collector:4318' } }, ['/otlp/endpoint']],
  ['an invalid namespace name', { operator: { watchNamespace: 'Models_A' } }, ['/operator/watchNamespace']],
  [
    'a list where one namespace goes',
    { operator: { watchNamespace: ['a', 'b'] } },
    ['/operator/watchNamespace'],
  ],
  ['an unknown version source', { operator: { versions: 'git' } }, ['/operator/versions']],
  [
    'a KEDA option that does not exist',
    { keda: { externalScalerAddress: 'gw:9090' } },
    ['/keda', 'externalScalerAddress'],
  ],
  ['an unknown gateway config section', { gateway: { config: { ratelimits: {} } } }, ['/gateway/config']],
  [
    'a bad PDB value',
    { gateway: { podDisruptionBudget: { minAvailable: 'half' } } },
    ['/gateway/podDisruptionBudget/minAvailable'],
  ],
  [
    'an image pull policy typo',
    { operator: { image: { repository: 'r', pullPolicy: 'Sometimes' } } },
    ['/operator/image/pullPolicy'],
  ],
];

// Rules the schema cannot express: the templates `fail` with a sentence naming the values.
const FAILED: [string, unknown[], string[]][] = [
  [
    'no API key and no existing config Secret',
    [{ registry: BASE_VALUES.registry }],
    ['gateway.auth.keys is empty', 'gateway.existingConfigSecret'],
  ],
  [
    'HPA minimum above its maximum',
    [BASE_VALUES, { gateway: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } }],
    ['gateway.autoscaling.minReplicas (5) must not exceed gateway.autoscaling.maxReplicas (2)'],
  ],
  [
    'registry versions without a bucket',
    [{ gateway: BASE_VALUES.gateway }],
    ["operator.versions is 'registry' but registry.bucket is empty"],
  ],
  [
    'a grace period too short for the drain',
    [BASE_VALUES, { gateway: { drainTimeoutSeconds: 60, terminationGracePeriodSeconds: 45 } }],
    ['gateway.terminationGracePeriodSeconds (45) must exceed gateway.drainTimeoutSeconds (60)'],
  ],
  [
    'a lease shorter than its renew deadline',
    [BASE_VALUES, { operator: { leaderElection: { leaseDurationSeconds: 5, renewDeadlineSeconds: 10 } } }],
    ['leaseDurationSeconds must exceed renewDeadlineSeconds'],
  ],
];

describe('values.schema.json', () => {
  it.each(REJECTED)('rejects %s', async (_what, bad, expected) => {
    const result = await helmTemplateRaw({ values: [BASE_VALUES, bad] });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("values don't meet the specifications of the schema");
    for (const text of expected) expect(result.stderr).toContain(text);
  });

  it('accepts the chart defaults plus one key', async () => {
    const result = await helmTemplateRaw();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('template checks', () => {
  it.each(FAILED)('refuses %s', async (_what, values, expected) => {
    const result = await helmTemplateRaw({ values });
    expect(result.code).not.toBe(0);
    for (const text of expected) expect(result.stderr).toContain(text);
  });
});
