// The one value every registry operation takes: the AWS clients plus the bucket and table they address.
import { type AwsClients, createAwsClients } from './aws/clients.ts';
import type { RegistryConfig } from './config.ts';

/** Everything a registry operation needs to reach S3 and DynamoDB. */
export interface RegistryContext {
  clients: AwsClients;
  config: RegistryConfig;
  bucket: string;
  table: string;
}

/** Creates a context (and its clients) from a validated config. */
export function createRegistryContext(config: RegistryConfig, clients?: AwsClients): RegistryContext {
  return { clients: clients ?? createAwsClients(config), config, bucket: config.bucket, table: config.table };
}
