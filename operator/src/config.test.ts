import { describe, expect, it } from 'vitest';
import { loadOperatorConfig, OperatorConfigError } from './config.ts';

describe('operator configuration', () => {
  it('takes the model pods ServiceAccount from the chart environment, a flag winning over it', () => {
    const env = { SWITCHYARD_OPERATOR_MODEL_SERVICE_ACCOUNT: 'switchyard-model-fetch' };
    expect(loadOperatorConfig({}, env).modelServiceAccount).toBe('switchyard-model-fetch');
    expect(loadOperatorConfig({ modelServiceAccount: 'other' }, env).modelServiceAccount).toBe('other');
    expect(loadOperatorConfig({}, {}).modelServiceAccount).toBeUndefined();
  });

  it('names the field of a bad value', () => {
    expect(() => loadOperatorConfig({}, { SWITCHYARD_OPERATOR_MODEL_SERVICE_ACCOUNT: 'Not A Name' })).toThrow(
      OperatorConfigError,
    );
    expect(() => loadOperatorConfig({}, { SWITCHYARD_OPERATOR_CONCURRENCY: '0' })).toThrow(/concurrency:/);
  });

  it('takes the scaler address the chart passes and refuses one without a port', () => {
    expect(loadOperatorConfig({}, {}).scalerAddress).toBe('switchyard-gateway-scaler.switchyard.svc:9090');
    const env = { SWITCHYARD_OPERATOR_SCALER_ADDRESS: 'edge-switchyard-gateway-scaler.ml.svc:9090' };
    expect(loadOperatorConfig({}, env).scalerAddress).toBe('edge-switchyard-gateway-scaler.ml.svc:9090');
    expect(() => loadOperatorConfig({}, { SWITCHYARD_OPERATOR_SCALER_ADDRESS: 'gateway-scaler' })).toThrow(
      /scalerAddress: must be host:port/,
    );
  });
});
