// The operator under its own ServiceAccount on an RBAC-enabled API server: the manifests in
// operator/config/rbac grant enough to reconcile, and nothing beyond what it uses.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForbidden } from '../k8s/kube-api.ts';
import { Resources } from '../k8s/objects.ts';
import { createKubeApi } from '../k8s/rest-client.ts';
import { type OperatorProcess, startOperatorProcess } from '../testing/processes.ts';
import {
  createModelDeployment,
  E2E_NAMESPACE,
  type E2eCluster,
  simModelDeployment,
  startE2eCluster,
  waitForVersion,
} from './harness.ts';

/** Pod IPs of this file's cluster: a range of its own, so clusters of parallel test files never collide. */
const POD_CIDR = '127.22.0.0/16';

const rbac = (file: string) => readFileSync(new URL(`../../config/rbac/${file}`, import.meta.url), 'utf8');
let env: E2eCluster;
let op: OperatorProcess;
let saKubeconfig: string;

beforeAll(async () => {
  env = await startE2eCluster({ podCidr: POD_CIDR });
  await env.cluster.client.apply(
    ['service-account.yaml', 'cluster-role.yaml', 'cluster-role-binding.yaml', 'leader-election-role.yaml']
      .map(rbac)
      .join('\n---\n'),
  );
  saKubeconfig = await env.cluster.serviceAccountKubeconfig('switchyard-system', 'switchyard-operator');
  op = startOperatorProcess(saKubeconfig, 'op-rbac', ['--versions', 'none']);
});

afterAll(async () => {
  op?.kill();
  await env?.stop();
});

describe('operator RBAC', () => {
  it('reconciles a ModelDeployment to Ready with only its ServiceAccount', async () => {
    await createModelDeployment(env.kube, simModelDeployment('rbac', 'v1'));
    await waitForVersion(env.kube, 'rbac', 'v1');
  });

  it.each([
    [
      'read Secrets',
      (k: ReturnType<typeof createKubeApi>) =>
        k.list({ group: '', version: 'v1', plural: 'secrets', namespace: E2E_NAMESPACE }),
    ],
    [
      'delete Namespaces',
      (k: ReturnType<typeof createKubeApi>) =>
        k.delete({ group: '', version: 'v1', plural: 'namespaces', name: E2E_NAMESPACE }),
    ],
    [
      'create Pods',
      (k: ReturnType<typeof createKubeApi>) =>
        k.create(
          { ...Resources.pods, namespace: E2E_NAMESPACE },
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'x' },
            spec: { containers: [{ name: 'x', image: 'x' }] },
          },
        ),
    ],
    [
      'update ClusterRoles',
      (k: ReturnType<typeof createKubeApi>) =>
        k.patch(
          {
            group: 'rbac.authorization.k8s.io',
            version: 'v1',
            plural: 'clusterroles',
            name: 'switchyard-operator',
          },
          { metadata: { labels: { x: 'y' } } },
        ),
    ],
    [
      'take Leases outside its namespace',
      (k: ReturnType<typeof createKubeApi>) =>
        k.create(
          { ...Resources.leases, namespace: E2E_NAMESPACE },
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'x' }, spec: {} },
        ),
    ],
  ])('is denied to %s', async (_what, attempt) => {
    const kube = createKubeApi({ kubeconfig: saKubeconfig });
    await expect(attempt(kube)).rejects.toSatisfy(isForbidden);
  });
});
