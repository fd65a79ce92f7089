import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocalServer, startDynamoDbLocal } from './dynamodb-local.ts';

describe('startDynamoDbLocal', () => {
  let server: DynamoDbLocalServer;
  let client: DynamoDBClient;
  beforeAll(async () => {
    server = await startDynamoDbLocal();
    client = new DynamoDBClient({
      endpoint: server.url,
      region: server.region,
      credentials: server.credentials,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('creates a table and reads back an item', async () => {
    await client.send(
      new CreateTableCommand({
        TableName: 'models',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(
      new PutItemCommand({ TableName: 'models', Item: { pk: { S: 'llama' }, v: { N: '3' } } }),
    );
    const got = await client.send(new GetItemCommand({ TableName: 'models', Key: { pk: { S: 'llama' } } }));
    expect(got.Item?.v?.N).toBe('3');
  });
});
