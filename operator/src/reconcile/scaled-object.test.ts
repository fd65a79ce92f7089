import { modelDeploymentSpecSchema } from '@switchyard/api';
import { describe, expect, it } from 'vitest';
import { buildScaledObject, DEFAULT_SCALER_ADDRESS, scalingTriggers } from './scaled-object.ts';

const spec = (scaling: Record<string, unknown> = {}) =>
  modelDeploymentSpecSchema.parse({ model: 'llama', registry: { version: 'v1' }, scaling });

describe('KEDA triggers', () => {
  it('point at the operator default scaler unless the ModelDeployment names one', () => {
    expect(scalingTriggers(spec())[0]!.metadata.scalerAddress).toBe(DEFAULT_SCALER_ADDRESS);
    expect(scalingTriggers(spec(), 'edge-gateway-scaler.ml.svc:9090')[0]!.metadata.scalerAddress).toBe(
      'edge-gateway-scaler.ml.svc:9090',
    );
    const named = spec({ externalScalerAddress: 'gw.other.svc:9090' });
    expect(scalingTriggers(named, 'edge-gateway-scaler.ml.svc:9090')[0]!.metadata.scalerAddress).toBe(
      'gw.other.svc:9090',
    );
  });

  it('carry the operator default into the ScaledObject it builds', () => {
    const object = buildScaledObject({
      owner: { name: 'llama', namespace: 'ml', uid: 'u1' },
      spec: spec(),
      revision: 'llama-abc',
      scalerAddress: 'edge-gateway-scaler.ml.svc:9090',
    }) as unknown as { spec: { triggers: { type: string; metadata: Record<string, string> }[] } };
    const trigger = object.spec.triggers.find((t) => t.type === 'external-push')!;
    expect(trigger.metadata).toMatchObject({
      scalerAddress: 'edge-gateway-scaler.ml.svc:9090',
      model: 'llama',
    });
  });
});
