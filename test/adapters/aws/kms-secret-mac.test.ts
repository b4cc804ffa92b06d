/** KmsSecretMac against a fake KMS computing real HMACs: same framing as FileSecretMac, cached, bounded. */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsSecretMac } from '../../../functions/adapters/aws/kms-secret-mac.ts';
import { FileSecretMac } from '../../../functions/adapters/local/file-secret-mac.ts';
import { type FakeKeyRef, FakeKms, fakeKmsClient } from './fake-kms.ts';

describe('KmsSecretMac', () => {
  let fake: FakeKms;
  let client: KMSClient;
  let stub: AwsClientStub<KMSClient>;
  let key: FakeKeyRef;

  beforeAll(() => {
    fake = new FakeKms();
    ({ client, stub } = fakeKmsClient(fake));
    key = fake.createKey('HMAC_256');
  });
  afterAll(() => {
    stub.restore();
  });
  beforeEach(() => {
    stub.resetHistory();
  });

  const macCalls = () => stub.commandCalls(GenerateMacCommand).length;

  it('is HMAC-SHA256 over purpose, NUL, data under the KMS HMAC key', async () => {
    const mac = new KmsSecretMac(client, key.arn);
    const expected = createHmac('sha256', fake.secretOf(key.keyId))
      .update('dns-token\u0000123456789012|example.com')
      .digest();
    expect(Buffer.from(await mac.mac('dns-token', '123456789012|example.com'))).toEqual(expected);
    expect(stub.commandCalls(GenerateMacCommand)[0]?.args[0].input).toEqual({
      KeyId: key.arn,
      MacAlgorithm: 'HMAC_SHA_256',
      Message: Buffer.from('dns-token\u0000123456789012|example.com'),
    });
  });

  it('gives the same MAC as FileSecretMac holding the same secret', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'certwright-kms-mac-'));
    try {
      const path = join(directory, 'deployment.secret');
      await writeFile(path, fake.secretOf(key.keyId), { mode: 0o600 });
      const local = await FileSecretMac.fromFile(path);
      const remote = new KmsSecretMac(client, key.arn);
      for (const [purpose, data] of [
        ['dns-token', 'a|b'],
        ['other', ''],
        ['', 'ünïcödé.example'],
      ] as const) {
        expect(await remote.mac(purpose, data)).toEqual(await local.mac(purpose, data));
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('asks KMS once per input, and hands out copies of the cached result', async () => {
    const mac = new KmsSecretMac(client, key.arn);
    const first = await mac.mac('dns-token', 'example.com');
    first.fill(0);
    const second = await mac.mac('dns-token', 'example.com');
    expect(macCalls()).toBe(1);
    expect(second.some((byte) => byte !== 0)).toBe(true);
    await mac.mac('dns-token', 'example.org');
    await mac.mac('other-purpose', 'example.com');
    expect(macCalls()).toBe(3);
  });

  it('shares one KMS call between concurrent callers', async () => {
    const mac = new KmsSecretMac(client, key.arn);
    const results = await Promise.all([1, 2, 3].map(() => mac.mac('dns-token', 'concurrent.example')));
    expect(macCalls()).toBe(1);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('keeps only the most recently used entries', async () => {
    const mac = new KmsSecretMac(client, key.arn, { cacheEntries: 2 });
    await mac.mac('p', 'a');
    await mac.mac('p', 'b');
    await mac.mac('p', 'a'); // hit: a is now the most recent
    await mac.mac('p', 'c'); // evicts b
    expect(macCalls()).toBe(3);
    await mac.mac('p', 'a');
    await mac.mac('p', 'c');
    expect(macCalls()).toBe(3);
    await mac.mac('p', 'b');
    expect(macCalls()).toBe(4);
  });

  it('does not cache a failure', async () => {
    const mac = new KmsSecretMac(client, key.arn);
    fake.failNext('GenerateMac', 'ThrottlingException');
    await expect(mac.mac('dns-token', 'retry.example')).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(await mac.mac('dns-token', 'retry.example')).toHaveLength(32);
    expect(macCalls()).toBe(2);
  });

  it('keeps purpose and data apart and refuses what KMS would not take, without calling it', async () => {
    const mac = new KmsSecretMac(client, key.arn);
    expect(await mac.mac('ab', 'c')).not.toEqual(await mac.mac('a', 'bc'));
    stub.resetHistory();
    await expect(mac.mac('a\u0000b', 'c')).rejects.toThrow('A MAC purpose may not contain a NUL character');
    await expect(mac.mac('p', 'x'.repeat(4095))).rejects.toThrow(
      'KmsSecretMac: the MAC input is 4097 bytes; KMS GenerateMac takes at most 4096',
    );
    expect(macCalls()).toBe(0);
  });

  it('surfaces KMS refusing a key that is not an HMAC key', async () => {
    const mac = new KmsSecretMac(client, fake.createKey('SYMMETRIC_DEFAULT').arn);
    await expect(mac.mac('p', 'd')).rejects.toMatchObject({ name: 'InvalidKeyUsageException' });
  });
});
