// testkit: a throwaway PKI for one cluster, as envtest makes it: a CA, serving and client certificates,
// and service-account signing keys. Keys come from node:crypto; certificates are signed by the openssl CLI.

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestkitError } from '../core/errors.ts';

/** A certificate and its key, as PEM files. */
export interface CertPair {
  cert: string;
  key: string;
}

/** What a certificate is for. */
export interface CertRequest {
  /** File name stem, e.g. `apiserver` → `apiserver.crt` / `apiserver.key`. */
  name: string;
  commonName: string;
  organizations?: string[];
  /** DNS names and IPs; makes it a serving certificate. */
  dnsNames?: string[];
  ips?: string[];
  /** Extended key usages (default: serverAuth when names are given, else clientAuth). */
  usages?: ('serverAuth' | 'clientAuth')[];
}

function writeKey(path: string): void {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new TestkitError('pki', `openssl ${args[0]}`, stderr);
  }
}

/** Creates a self-signed CA named `name` in `dir`. */
export function createCa(dir: string, name: string, commonName: string): CertPair {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  writeKey(pair.key);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    pair.key,
    '-out',
    pair.cert,
    '-days',
    '3650',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  return pair;
}

/** Issues a certificate signed by `ca` into `dir`. */
export function issueCert(dir: string, ca: CertPair, request: CertRequest): CertPair {
  const pair = { cert: join(dir, `${request.name}.crt`), key: join(dir, `${request.name}.key`) };
  const csr = join(dir, `${request.name}.csr`);
  const ext = join(dir, `${request.name}.ext`);
  writeKey(pair.key);
  const subject = [...(request.organizations ?? []).map((o) => `/O=${o}`), `/CN=${request.commonName}`].join(
    '',
  );
  openssl(['req', '-new', '-key', pair.key, '-out', csr, '-subj', subject]);
  const sans = [
    ...(request.dnsNames ?? []).map((d) => `DNS:${d}`),
    ...(request.ips ?? []).map((i) => `IP:${i}`),
  ];
  const usages = request.usages ?? (sans.length ? ['serverAuth'] : ['clientAuth']);
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${usages.join(',')}`,
  ];
  if (sans.length) lines.push(`subjectAltName=${sans.join(',')}`);
  writeFileSync(ext, `${lines.join('\n')}\n`);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    pair.cert,
    '-days',
    '3650',
    '-extfile',
    ext,
  ]);
  return pair;
}

/** Writes an EC key pair for signing service-account tokens; returns the private and public key paths. */
export function createServiceAccountKeys(dir: string): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const paths = { privateKey: join(dir, 'sa.key'), publicKey: join(dir, 'sa.pub') };
  writeFileSync(paths.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(paths.publicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  return paths;
}

/** Base64 of a PEM file, for kubeconfig `*-data` fields and APIService `caBundle`. */
export function base64File(path: string): string {
  return readFileSync(path).toString('base64');
}
