/** KmsKeyVault (envelope encryption) against a fake KMS that binds data keys to their encryption context. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  type DecryptCommandInput,
  GenerateDataKeyCommand,
  InvalidKeyUsageException,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsKeyVault } from '../../../functions/adapters/aws/kms-key-vault.ts';
import { FileKeyVault } from '../../../functions/adapters/local/file-key-vault.ts';
import { type FakeKeyRef, FakeKms, fakeKmsClient } from './fake-kms.ts';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0b6e8c3a-1f52-4c8e-9a4b-2d7f0e1c5a9b';
const OTHER_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/7c2d4e6f-8a0b-4c1d-9e2f-3a4b5c6d7e8f';
const SEALED = /^kms1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/;

describe('KmsKeyVault', () => {
  let fake: FakeKms;
  let client: KMSClient;
  let stub: AwsClientStub<KMSClient>;
  let key: FakeKeyRef;
  let vault: KmsKeyVault;
  const secret = new TextEncoder().encode('-----BEGIN PRIVATE KEY----- pretend pkcs8');

  beforeAll(() => {
    fake = new FakeKms();
    ({ client, stub } = fakeKmsClient(fake));
    key = fake.createKey('SYMMETRIC_DEFAULT', { alias: 'alias/certwright-leaf-keys' });
    vault = new KmsKeyVault(client, key.arn);
  });
  afterAll(() => {
    stub.restore();
  });
  beforeEach(() => {
    stub.resetHistory();
  });

  const decryptInputs = () =>
    stub.commandCalls(DecryptCommand).map((call) => call.args[0].input as DecryptCommandInput);

  it('seals with a fresh AES-256 data key bound to the certificate ARN, and opens with the same context', async () => {
    const first = await vault.seal(secret, ARN);
    const second = await vault.seal(secret, ARN);
    expect(first).toMatch(SEALED);
    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
    const generated = stub.commandCalls(GenerateDataKeyCommand).map((call) => call.args[0].input);
    expect(generated).toEqual([
      { KeyId: key.arn, KeySpec: 'AES_256', EncryptionContext: { certificateArn: ARN } },
      { KeyId: key.arn, KeySpec: 'AES_256', EncryptionContext: { certificateArn: ARN } },
    ]);

    expect(await vault.open(first, ARN)).toEqual(secret);
    expect(await vault.open(second, ARN)).toEqual(secret);
    const decrypts = decryptInputs();
    expect(decrypts).toHaveLength(2);
    expect(decrypts[0]).toMatchObject({ KeyId: key.arn, EncryptionContext: { certificateArn: ARN } });
    expect(Buffer.from(decrypts[0]?.CiphertextBlob as Uint8Array).toString('base64url')).toBe(
      first.split('.')[1],
    );
  });

  it('works through an alias and round-trips an empty plaintext', async () => {
    const byAlias = new KmsKeyVault(client, 'alias/certwright-leaf-keys');
    const sealed = await byAlias.seal(new Uint8Array(0), ARN);
    expect(sealed).toMatch(SEALED);
    expect(await vault.open(sealed, ARN)).toEqual(new Uint8Array(0));
  });

  it('zeroes every plaintext data key it received once it is done with it', async () => {
    const before = fake.handedOutPlaintexts.length;
    await vault.open(await vault.seal(secret, ARN), ARN);
    const received = fake.handedOutPlaintexts.slice(before);
    expect(received).toHaveLength(2); // GenerateDataKey's and Decrypt's
    for (const dataKey of received) {
      expect(dataKey).toHaveLength(32);
      expect(dataKey.every((byte) => byte === 0)).toBe(true);
    }
  });

  it('will not open with another context, and KMS saw that context on the Decrypt', async () => {
    const sealed = await vault.seal(secret, ARN);
    await expect(vault.open(sealed, OTHER_ARN)).rejects.toThrow(
      /does not open for context .*7c2d4e6f.* \(KMS InvalidCiphertextException: wrong context, another KMS key, or tampered\)/,
    );
    expect(decryptInputs().map((input) => input.EncryptionContext)).toEqual([{ certificateArn: OTHER_ARN }]);
  });

  it.each([
    [1, 'the wrapped data key'],
    [2, 'the IV'],
    [3, 'the ciphertext'],
    [4, 'the tag'],
  ])('will not open when part %i (%s) is altered', async (part) => {
    const parts = (await vault.seal(secret, ARN)).split('.');
    const bytes = Buffer.from(parts[part] as string, 'base64url');
    const last = bytes.length - 1;
    bytes[last] = (bytes[last] as number) ^ 0x01;
    parts[part] = bytes.toString('base64url');
    await expect(vault.open(parts.join('.'), ARN)).rejects.toThrow(/does not open for context/);
  });

  it('will not open a key sealed under another KMS key', async () => {
    const other = new KmsKeyVault(client, fake.createKey('SYMMETRIC_DEFAULT').arn);
    const sealed = await other.seal(secret, ARN);
    await expect(vault.open(sealed, ARN)).rejects.toThrow(/does not open .*KMS IncorrectKeyException/);
  });

  it('refuses a value sealed by the local file key vault, without calling KMS', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'certwright-kms-vault-'));
    try {
      const local = await FileKeyVault.fromFile(join(directory, 'master.key'));
      const sealed = await local.seal(secret, ARN);
      expect(sealed.startsWith('v1.')).toBe(true);
      await expect(vault.open(sealed, ARN)).rejects.toThrow(
        'KmsKeyVault: this key was sealed by the local file key vault (v1 format) and cannot be opened with KMS',
      );
      expect(decryptInputs()).toHaveLength(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects values that are not in the kms1 format', async () => {
    const sealed = await vault.seal(secret, ARN);
    for (const value of [sealed.replace(/^kms1/, 'kms2'), `${sealed}.extra`, 'garbage', 'kms1....']) {
      await expect(vault.open(value, ARN)).rejects.toThrow(
        'KmsKeyVault: not a sealed key in the kms1 format',
      );
    }
    expect(decryptInputs()).toHaveLength(0);
  });

  it('passes other KMS errors through unchanged', async () => {
    const sealed = await vault.seal(secret, ARN);
    fake.failNext('Decrypt', 'ThrottlingException');
    await expect(vault.open(sealed, ARN)).rejects.toMatchObject({ name: 'ThrottlingException' });
    const wrongKey = new KmsKeyVault(client, fake.createKey('HMAC_256').arn);
    await expect(wrongKey.seal(secret, ARN)).rejects.toBeInstanceOf(InvalidKeyUsageException);
  });
});
