// Configuration: flags over environment, defaults written once, errors naming the field.
import { describe, expect, it } from 'vitest';
import { loadRegistryConfig } from './config.ts';

describe('loadRegistryConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const config = loadRegistryConfig({}, {});
    expect(config).toMatchObject({
      bucket: 'switchyard-models',
      table: 'switchyard-registry',
      region: 'us-east-1',
    });
    expect(config.s3EndpointUrl).toBeUndefined();
  });

  it('reads LLMCTL_* and AWS_* variables', () => {
    const config = loadRegistryConfig(
      {},
      {
        LLMCTL_S3_ENDPOINT: 'http://127.0.0.1:7070',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
        LLMCTL_BUCKET: 'models',
        AWS_REGION: 'eu-west-1',
      },
    );
    expect(config).toMatchObject({
      s3EndpointUrl: 'http://127.0.0.1:7070',
      dynamodbEndpointUrl: 'http://127.0.0.1:8000',
      bucket: 'models',
      region: 'eu-west-1',
    });
  });

  it('lets flags win over the environment, and --endpoint-url set both', () => {
    const config = loadRegistryConfig(
      { endpointUrl: 'http://127.0.0.1:9', table: 'flag-table' },
      { LLMCTL_TABLE: 'env-table' },
    );
    expect(config).toMatchObject({
      s3EndpointUrl: 'http://127.0.0.1:9',
      dynamodbEndpointUrl: 'http://127.0.0.1:9',
      table: 'flag-table',
    });
  });

  it('converts --part-size-mib to bytes and rejects parts below S3 minimum', () => {
    expect(loadRegistryConfig({ partSizeMib: '8' }, {}).partSizeBytes).toBe(8 * 1024 * 1024);
    expect(() => loadRegistryConfig({ partSizeMib: '1' }, {})).toThrow(
      /^invalid configuration: partSizeBytes:/,
    );
  });

  it.each([
    [{ s3EndpointUrl: 'not a url' }, 's3EndpointUrl'],
    [{ bucket: 'UPPER' }, 'bucket: must be a valid S3 bucket name'],
    [{ concurrency: '0' }, 'concurrency'],
  ])('rejects %o naming %s', (flags, field) => {
    expect(() => loadRegistryConfig(flags, {})).toThrow(`invalid configuration: ${field}`);
  });
});

describe('credentials', () => {
  it('takes static keys from AWS_* variables and leaves the default chain otherwise', () => {
    expect(
      loadRegistryConfig({}, { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' }).credentials,
    ).toEqual({
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
    });
    expect(loadRegistryConfig({}, {}).credentials).toBeUndefined();
  });

  it('rejects half a key pair naming the missing half', () => {
    expect(() => loadRegistryConfig({}, { AWS_ACCESS_KEY_ID: 'AK' })).toThrow(
      'invalid configuration: credentials.secretAccessKey',
    );
  });
});
