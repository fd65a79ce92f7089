import { describe, expect, it } from 'vitest';
import { POD_RUN_ANNOTATION, type PodKind, podProcess, type RunnablePod } from './pod-command.ts';

const kinds: Record<string, PodKind> = {
  sim: {
    command: 'node',
    args: ['{repo}/sim/src/main.ts', '--host', '{podIP}', '--port', '{port}', '{args}'],
  },
};

function pod(overrides: Partial<RunnablePod['metadata']> = {}, ready = true): RunnablePod {
  return {
    metadata: { name: 'p1', namespace: 'ns', annotations: { [POD_RUN_ANNOTATION]: 'sim' }, ...overrides },
    spec: {
      containers: [
        {
          args: ['--served-model-name', 'llama'],
          ports: [{ containerPort: 8000 }],
          env: [{ name: 'A', value: '1' }],
        },
      ],
    },
    status: {
      podIP: '127.1.0.7',
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

describe('podProcess', () => {
  it('fills the pod IP and port and expands the container args', () => {
    expect(podProcess(pod(), kinds, '/repo')).toEqual({
      command: 'node',
      args: [
        '/repo/sim/src/main.ts',
        '--host',
        '127.1.0.7',
        '--port',
        '8000',
        '--served-model-name',
        'llama',
      ],
      env: { A: '1', POD_NAME: 'p1', POD_NAMESPACE: 'ns', POD_IP: '127.1.0.7', PORT: '8000' },
      host: '127.1.0.7',
      port: 8000,
    });
  });

  it.each([
    ['an unmarked pod', pod({ annotations: {} })],
    ['a pod that is not Ready', pod({}, false)],
    ['a pod being deleted', pod({ deletionTimestamp: '2026-01-01T00:00:00Z' })],
    ['a pod of an unknown kind', pod({ annotations: { [POD_RUN_ANNOTATION]: 'nope' } })],
  ])('leaves alone %s', (_name, p) => {
    expect(podProcess(p, kinds, '/repo')).toBeUndefined();
  });
});
