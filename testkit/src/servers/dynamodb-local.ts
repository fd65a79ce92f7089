// testkit: DynamoDB Local (Maven Central jar + sqlite4java natives) in memory on a free loopback port.

import { dirname } from 'node:path';
import { freePort } from '../core/ports.ts';
import { startProcess } from '../core/server.ts';
import { requireBinary } from '../install/component.ts';
import { component } from '../install/components.ts';

/** Options of {@link startDynamoDbLocal}. */
export interface StartDynamoDbLocalOptions {
  port?: number;
}

/** A running DynamoDB Local; any credentials are accepted, these are the ones to pass to SDK clients. */
export interface DynamoDbLocalServer {
  /** `http://127.0.0.1:<port>`: the SDK `endpoint`. */
  url: string;
  host: string;
  port: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  logFile: string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

async function answersListTables(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: `AWS4-HMAC-SHA256 Credential=testkit/20250101/${REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: '{}',
      signal: AbortSignal.timeout(3000),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Starts DynamoDB Local with `-inMemory` (Java 17 from PATH); resolves once ListTables answers. */
export async function startDynamoDbLocal(
  options: StartDynamoDbLocalOptions = {},
): Promise<DynamoDbLocalServer> {
  const comp = component('dynamodb-local');
  const lib = dirname(requireBinary(comp, 'jar'));
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort());
  const url = `http://${host}:${port}`;
  const started = await startProcess({
    name: 'dynamodb-local',
    command: 'java',
    args: () => [
      '-Xmx512m',
      `-Djava.library.path=${lib}`,
      `-Dsqlite4java.library.path=${lib}`,
      '-cp',
      `${lib}/*`,
      'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
      '-inMemory',
      '-port',
      String(port),
    ],
    ready: () => answersListTables(url),
    readyTimeoutMs: 90_000,
  });
  return {
    url,
    host,
    port,
    region: REGION,
    credentials: { accessKeyId: 'testkit', secretAccessKey: 'testkit' },
    logFile: started.logFile,
    stop: started.stop,
  };
}
