import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli.ts';

describe('parseArgs', () => {
  it('takes vLLM flag names', () => {
    const o = parseArgs([
      '--served-model-name',
      'mistral',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
      '--max-num-seqs',
      '64',
      '--max-model-len',
      '8192',
      '--block-size',
      '32',
      '--max-num-batched-tokens',
      '4096',
      '--otlp-traces-endpoint',
      'http://jaeger:4318',
    ]);
    expect(o).toMatchObject({
      servedModelName: ['mistral'],
      host: '0.0.0.0',
      port: 8000,
      maxModelLen: 8192,
      profile: 'mistral-7b-h100',
      timeScale: 1,
      otlpTracesEndpoint: 'http://jaeger:4318',
      engineOverrides: { maxNumSeqs: 64, blockSize: 32, maxNumBatchedTokens: 4096 },
    });
  });

  it('accepts `vllm serve <model>` style, ignoring flags it does not model', () => {
    const o = parseArgs([
      'serve',
      'mistralai/Mistral-7B-Instruct-v0.3',
      '--gpu-memory-utilization',
      '0.9',
      '--port',
      '9000',
    ]);
    expect(o.servedModelName).toBe('mistralai/Mistral-7B-Instruct-v0.3');
    expect(o.model).toBe('mistralai/Mistral-7B-Instruct-v0.3');
    expect(o.port).toBe(9000);
  });

  it('accepts the api_server form `--model <path>`', () => {
    const o = parseArgs(['--model', 'meta-llama/Meta-Llama-3-8B-Instruct', '--served-model-name', 'llama3']);
    expect(o).toMatchObject({ model: 'meta-llama/Meta-Llama-3-8B-Instruct', servedModelName: ['llama3'] });
  });

  it('maps fault flags and engine knobs', () => {
    const o = parseArgs([
      '--served-model-name',
      'm',
      '--profile',
      'llama3-8b-a100',
      '--time-scale',
      '10',
      '--decode-curve',
      '1:10,64:30',
      '--no-enable-prefix-caching',
      '--fault-load-delay-ms',
      '5000',
      '--fault-error-rate',
      '0.1',
      '--fault-hang-after-tokens',
      '7',
      '--fault-refuse-connections',
    ]);
    expect(o.profile).toBe('llama3-8b-a100');
    expect(o.timeScale).toBe(10);
    expect(o.engineOverrides).toMatchObject({
      decodeCurve: [
        [1, 10],
        [64, 30],
      ],
      enablePrefixCaching: false,
    });
    expect(o.faults).toEqual({
      loadDelayMs: 5000,
      errorRate: 0.1,
      hangAfterTokens: 7,
      refuseConnections: true,
    });
  });

  it('listens on loopback by default, and on every interface inside a Kubernetes pod (as vLLM)', () => {
    expect(parseArgs(['--served-model-name', 'm'], {}).host).toBe('127.0.0.1');
    expect(parseArgs(['--served-model-name', 'm'], { KUBERNETES_SERVICE_HOST: '10.0.0.1' }).host).toBe(
      '0.0.0.0',
    );
  });

  it('requires a model name', () => {
    expect(() => parseArgs(['--port', '1'])).toThrow('--served-model-name');
  });
});
