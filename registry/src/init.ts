// init: create the registry table and bucket if they are missing (idempotent). Terraform creates the same
// shapes in real accounts; docs/registry.md describes them.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import type { RegistryContext } from './context.ts';

/** What init found or made. */
export interface InitResult {
  table: { name: string; created: boolean };
  bucket: { name: string; created: boolean; versioning: 'Enabled' };
}

async function tableExists(ctx: RegistryContext): Promise<boolean> {
  try {
    await ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: ctx.table }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

async function ensureTable(ctx: RegistryContext): Promise<boolean> {
  if (await tableExists(ctx)) return false;
  try {
    await ctx.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: ctx.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
    return false;
  }
  await waitUntilTableExists({ client: ctx.clients.dynamodb, maxWaitTime: 60 }, { TableName: ctx.table });
  return true;
}

async function ensureBucket(ctx: RegistryContext): Promise<boolean> {
  let created = false;
  const exists = await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: ctx.bucket })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );
  if (!exists) {
    try {
      await ctx.clients.s3.send(new CreateBucketCommand({ Bucket: ctx.bucket }));
      created = true;
    } catch (err) {
      if (!(err instanceof BucketAlreadyOwnedByYou)) throw err;
    }
  }
  // Versioning keeps every object version: a stray overwrite of a published key can be seen and undone.
  await ctx.clients.s3.send(
    new PutBucketVersioningCommand({ Bucket: ctx.bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return created;
}

/** Creates the table and the (versioned) bucket when missing. */
export async function initRegistry(ctx: RegistryContext): Promise<InitResult> {
  const tableCreated = await ensureTable(ctx);
  const bucketCreated = await ensureBucket(ctx);
  return {
    table: { name: ctx.table, created: tableCreated },
    bucket: { name: ctx.bucket, created: bucketCreated, versioning: 'Enabled' },
  };
}
