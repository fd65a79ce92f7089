import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVersitygw, type VersitygwServer } from './versitygw.ts';

describe('startVersitygw', () => {
  let server: VersitygwServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startVersitygw();
    s3 = new S3Client({
      endpoint: server.url,
      region: server.region,
      credentials: server.credentials,
      forcePathStyle: true,
    });
  });
  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('stores and returns an object', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'models' }));
    await s3.send(new PutObjectCommand({ Bucket: 'models', Key: 'a/manifest.json', Body: '{"v":1}' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'models', Key: 'a/manifest.json' }));
    expect(await got.Body?.transformToString()).toBe('{"v":1}');
  });

  it('keeps every version of an object once versioning is enabled', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'versioned' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'two' }));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned', Prefix: 'k' }));
    expect(versions.Versions?.length).toBe(2);
  });
});
