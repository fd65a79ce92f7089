// Two replicas, one Lease: exactly one leads; a clean stop hands over at once; a silent leader is
// replaced only after its Lease expires.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKubeApi } from '../k8s/rest-client.ts';
import { type FakeApiServer, startFakeApiServer } from '../testing/fake-apiserver.ts';
import { waitFor } from '../testing/wait.ts';
import { LeaderElector, microTime } from './leader-election.ts';

let fake: FakeApiServer;
const electors: LeaderElector[] = [];
beforeEach(async () => {
  fake = await startFakeApiServer();
});
afterEach(async () => {
  for (const e of electors.splice(0)) await e.stop();
  await fake.close();
});

function elector(identity: string, leading: string[], options: { leaseDurationSeconds?: number } = {}) {
  const e = new LeaderElector({
    kube: createKubeApi({ kubeconfig: fake.kubeconfig }),
    namespace: 'switchyard-system',
    name: 'switchyard-operator',
    identity,
    leaseDurationSeconds: options.leaseDurationSeconds ?? 6,
    renewDeadlineMs: 5_000,
    retryPeriodMs: 100,
    onStartedLeading: () => {
      leading.push(identity);
    },
    onStoppedLeading: () => {
      leading.splice(leading.indexOf(identity), 1);
    },
  });
  electors.push(e);
  e.start();
  return e;
}

describe('LeaderElector', () => {
  it('lets exactly one of two replicas lead, and hands over on a clean stop', async () => {
    const leading: string[] = [];
    const a = elector('a', leading);
    const b = elector('b', leading);
    await waitFor(() => leading.length === 1, { what: 'a leader' });
    await new Promise((r) => setTimeout(r, 500));
    expect(leading).toHaveLength(1);
    const [first] = leading;
    const [winner, standby] = first === 'a' ? [a, b] : [b, a];
    const started = Date.now();
    await winner.stop();
    leading.length = 0;
    await waitFor(() => standby.isLeader, { what: 'takeover' });
    // Without the release on stop the standby would wait out the 6 s Lease; 4 s leaves a loaded machine room.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('waits for an unrenewed Lease to expire before taking it', async () => {
    const lease = '/apis/coordination.k8s.io/v1/namespaces/switchyard-system/leases/switchyard-operator';
    // Counted from before the Lease's renewTime is taken: the 1 s expiry runs from there, not from after the POST.
    const started = Date.now();
    await fetch(`${fake.url}${lease.replace('/switchyard-operator', '')}`, {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'switchyard-operator' },
        spec: { holderIdentity: 'crashed', leaseDurationSeconds: 1, renewTime: microTime(new Date()) },
      }),
    });
    const leading: string[] = [];
    elector('b', leading);
    await waitFor(() => leading.includes('b'), { what: 'takeover after expiry', timeoutMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.get<{ spec: { leaseTransitions: number } }>(lease)!.spec.leaseTransitions).toBe(1);
  });

  it('formats renew times with microseconds, as the API server parses MicroTime', () => {
    expect(microTime(new Date('2026-01-01T00:00:00.123Z'))).toBe('2026-01-01T00:00:00.123000Z');
  });
});
