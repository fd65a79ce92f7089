// testkit: kubeconfig files with embedded certificates, for the admin and for each control-plane client.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeClient } from './kube-client.ts';
import { base64File, type CertPair } from './pki.ts';

/** Writes a kubeconfig for `user` authenticating with a client certificate to `server`. */
export function writeKubeconfig(
  path: string,
  server: string,
  caCert: string,
  user: string,
  client: CertPair,
): void {
  writeKubeconfigWithUser(path, server, caCert, user, {
    'client-certificate-data': base64File(client.cert),
    'client-key-data': base64File(client.key),
  });
}

/** Writes a kubeconfig for `user` authenticating with a bearer token (e.g. a ServiceAccount token). */
export function writeTokenKubeconfig(
  path: string,
  server: string,
  caCert: string,
  user: string,
  token: string,
): void {
  writeKubeconfigWithUser(path, server, caCert, user, { token });
}

function writeKubeconfigWithUser(
  path: string,
  server: string,
  caCert: string,
  user: string,
  credentials: Record<string, string>,
): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'testkit', cluster: { server, 'certificate-authority-data': base64File(caCert) } }],
    users: [{ name: user, user: credentials }],
    contexts: [{ name: 'testkit', context: { cluster: 'testkit', user, namespace: 'default' } }],
    'current-context': 'testkit',
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

/** Creates (if needed) a ServiceAccount, requests a token for it, and writes a kubeconfig using it into `dir`. */
export async function writeServiceAccountKubeconfig(
  client: KubeClient,
  serverUrl: string,
  caCert: string,
  dir: string,
  namespace: string,
  name: string,
): Promise<string> {
  await client.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
  ]);
  const response = await client.request<{ status?: { token?: string } }>(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  );
  const token = response.body.status?.token;
  if (!token) throw new Error(`token request for ${namespace}/${name} failed: ${response.status}`);
  const path = join(dir, `sa-${namespace}-${name}.kubeconfig`);
  writeTokenKubeconfig(path, serverUrl, caCert, `system:serviceaccount:${namespace}:${name}`, token);
  return path;
}
