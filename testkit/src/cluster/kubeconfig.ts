// testkit: kubeconfig files with embedded certificates, for the admin and for each control-plane client.

import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
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
