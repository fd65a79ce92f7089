// testkit: versitygw, a real S3 gateway over a posix folder, with bucket versioning enabled.

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../core/ports.ts';
import { httpOk } from '../core/probes.ts';
import { startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';

/** Options of {@link startVersitygw}. */
export interface StartVersitygwOptions {
  port?: number;
  /** Enable bucket versioning (default true). */
  versioning?: boolean;
}

/** A running S3 endpoint; use `forcePathStyle: true` in S3 clients. */
export interface VersitygwServer {
  /** `http://127.0.0.1:<port>`: the S3 `endpoint`. */
  url: string;
  host: string;
  port: number;
  region: string;
  /** Root account credentials generated for this instance. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Folder that holds the buckets. */
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

/** Starts versitygw (posix backend, versioning on) on a temp folder with fresh credentials. */
export async function startVersitygw(options: StartVersitygwOptions = {}): Promise<VersitygwServer> {
  const binary = requireBinary(component('versitygw'), 'versitygw');
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort());
  const url = `http://${host}:${port}`;
  const credentials = {
    accessKeyId: `TK${randomBytes(9).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  let dataDir = '';
  const started = await startProcess({
    name: 'versitygw',
    command: binary,
    args: (dir) => {
      dataDir = join(dir, 'data');
      const versionsDir = join(dir, 'versions');
      mkdirSync(dataDir, { recursive: true });
      mkdirSync(versionsDir, { recursive: true });
      return [
        '--access',
        credentials.accessKeyId,
        '--secret',
        credentials.secretAccessKey,
        '--region',
        REGION,
        '--port',
        `${host}:${port}`,
        'posix',
        ...((options.versioning ?? true) ? ['--versioning-dir', versionsDir] : []),
        dataDir,
      ];
    },
    // Unauthenticated requests get 403 once the gateway is up.
    ready: () => httpOk(`${url}/`, [200, 403]),
  });
  return {
    url,
    host,
    port,
    region: REGION,
    credentials,
    dataDir,
    logFile: started.logFile,
    stop: started.stop,
  };
}
