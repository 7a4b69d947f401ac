import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KinesisProducer, RequestFailedError } from '../../src/producer/index.js';
import { observe, uniqueStream } from '../helpers/kinesis-producer-fixtures.js';
import { startKinesisServer, type KinesisTestServer } from '../helpers/kinesis-server.js';

/**
 * A producer built the way a newcomer builds one (region and endpoint, no credentials) on a machine with no AWS
 * credentials anywhere: the SDK's provider chain finds none and throws CredentialsProviderError before any request.
 * The record's error must say that no credentials were found and how to give them, not that Kinesis refused them.
 */
describe('missing credentials', () => {
  let server: KinesisTestServer;
  let home: string;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    server = await startKinesisServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    // No credentials in the environment, in shared files or from instance metadata.
    home = mkdtempSync(join(tmpdir(), 'sleepless-no-credentials-'));
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('AWS_') && key !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') {
        saved.set(key, process.env[key]);
        delete process.env[key];
      }
    }
    const set = (key: string, value: string): void => {
      if (!saved.has(key)) saved.set(key, process.env[key]);
      process.env[key] = value;
    };
    set('AWS_SHARED_CREDENTIALS_FILE', join(home, 'credentials'));
    set('AWS_CONFIG_FILE', join(home, 'config'));
    set('AWS_EC2_METADATA_DISABLED', 'true');
  });
  afterEach(() => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    saved.clear();
    rmSync(home, { recursive: true, force: true });
  });

  it('rejects with an error that says no credentials were found and how to provide them; nothing is sent', async () => {
    const stream = uniqueStream('no-credentials');
    await server.createStream(stream, 1);
    const requestsBefore = server.putRecordsRequests;
    const producer = new KinesisProducer({ streamName: stream, clientConfig: { region: 'us-east-1', endpoint: server.endpoint } });
    const record = observe(producer.put({ partitionKey: 'k', data: 'v' }));
    expect(await producer.flush()).toEqual({ delivered: 0, failed: 1, errors: { CredentialsProviderError: 1 } });
    await record.promise;
    await producer.close();

    const error = record.error as RequestFailedError;
    expect(error).toBeInstanceOf(RequestFailedError);
    expect(error.code).toBe('RequestFailed');
    expect(error.errorCode).toBe('CredentialsProviderError');
    expect(error.httpStatusCode).toBeUndefined();
    expect(error.message).toContain(`PutRecords to "${stream}" failed: CredentialsProviderError: no AWS credentials were found, so nothing was sent to Kinesis`);
    expect(error.message).toContain('clientConfig.credentials');
    expect(error.message).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(error.message).toContain('AWS_PROFILE');
    expect(error.message).not.toMatch(/refused/i);
    // Not retried: one attempt, and the server never saw a PutRecords.
    expect(error.attempts).toHaveLength(1);
    expect(error.attempts[0]!.errorCode).toBe('CredentialsProviderError');
    expect(server.putRecordsRequests).toBe(requestsBefore);
    expect(await server.readAll(stream)).toHaveLength(0);
  });

  it('delivers once the credentials are provided as the message says (environment variables)', async () => {
    const stream = uniqueStream('env-credentials');
    await server.createStream(stream, 1);
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    const producer = new KinesisProducer({ streamName: stream, clientConfig: { region: 'us-east-1', endpoint: server.endpoint } });
    const result = await producer.put({ partitionKey: 'k', data: 'v' });
    await producer.close();
    expect(result.shardId).toBe('shardId-000000000000');
    expect(await server.readAll(stream)).toHaveLength(1);
  });
});
