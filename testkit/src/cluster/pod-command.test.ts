import { describe, expect, it } from 'vitest';
import { POD_RUN_ANNOTATION, type PodKind, podProcess, type RunnablePod } from './pod-command.ts';

const kinds: Record<string, PodKind> = {
  sim: {
    command: 'node',
    args: ['{repo}/sim/src/main.ts', '--host', '{podIP}', '--port', '{port}', '{args}'],
  },
};

function pod(overrides: Partial<RunnablePod['metadata']> = {}, phase = 'Running'): RunnablePod {
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
      phase,
      conditions: [{ type: 'Ready', status: 'False' }],
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
      readiness: { kind: 'tcp', host: '127.1.0.7', port: 8000, failureThreshold: 3 },
    });
  });

  it('probes readiness as the container declares it, resolving named ports', () => {
    const withProbe = (readinessProbe: object): RunnablePod => {
      const p = pod();
      p.spec!.containers![0] = {
        ...p.spec!.containers![0],
        ports: [{ name: 'http', containerPort: 8000 }],
        readinessProbe,
      };
      return p;
    };
    const health = { httpGet: { path: '/health', port: 'http' }, failureThreshold: 5 };
    expect(podProcess(withProbe(health), kinds, '/r')?.readiness).toEqual({
      kind: 'http',
      host: '127.1.0.7',
      port: 8000,
      path: '/health',
      failureThreshold: 5,
    });
    expect(podProcess(withProbe({ httpGet: { port: 9000 } }), kinds, '/r')?.readiness).toEqual({
      kind: 'http',
      host: '127.1.0.7',
      port: 9000,
      path: '/',
      failureThreshold: 3,
    });
    expect(podProcess(withProbe({ tcpSocket: { port: 'http' } }), kinds, '/r')?.readiness).toEqual({
      kind: 'tcp',
      host: '127.1.0.7',
      port: 8000,
      failureThreshold: 3,
    });
  });

  it.each([
    ['an unmarked pod', pod({ annotations: {} })],
    ['a pod whose containers have not started', pod({}, 'Pending')],
    ['a pod being deleted', pod({ deletionTimestamp: '2026-01-01T00:00:00Z' })],
    ['a pod of an unknown kind', pod({ annotations: { [POD_RUN_ANNOTATION]: 'nope' } })],
  ])('leaves alone %s', (_name, p) => {
    expect(podProcess(p, kinds, '/repo')).toBeUndefined();
  });
});
