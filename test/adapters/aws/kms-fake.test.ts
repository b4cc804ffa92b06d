/** The fake KMS the adapter tests rely on answers like KMS: real signatures, context-bound data keys, errors. */
import { createHash, createHmac, verify } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  GenerateMacCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  type KMSClient,
  KMSServiceException,
  NotFoundException,
  SignCommand,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKms, fakeKmsClient } from './fake-kms.ts';

describe('FakeKms', () => {
  let fake: FakeKms;
  let client: KMSClient;
  let stub: AwsClientStub<KMSClient>;

  beforeAll(() => {
    fake = new FakeKms();
    ({ client, stub } = fakeKmsClient(fake));
  });
  afterAll(() => {
    stub.restore();
  });

  it.each([
    ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256'],
    ['ECC_NIST_P384', 'ECDSA_SHA_384', 'sha384'],
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256', 'sha256'],
    ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_384', 'sha384'],
  ] as const)('a %s key signs digests (DIGEST) and messages (RAW) with %s', async (spec, algorithm, hash) => {
    const key = fake.createKey(spec, { keyUsage: 'SIGN_VERIFY' });
    const publicKey = fake.publicKeyOf(key.keyId);
    for (let round = 0; round < 16; round++) {
      const message = Buffer.from(`message ${round}`);
      const digest = createHash(hash).update(message).digest();
      for (const [input, messageType] of [
        [digest, 'DIGEST'],
        [message, 'RAW'],
      ] as const) {
        const { Signature } = await client.send(
          new SignCommand({
            KeyId: key.arn,
            Message: input,
            MessageType: messageType,
            SigningAlgorithm: algorithm,
          }),
        );
        expect(verify(hash, message, { key: publicKey, dsaEncoding: 'der' }, Signature as Uint8Array)).toBe(
          true,
        );
      }
    }
  });

  it('rejects Sign inputs as KMS does', async () => {
    const ec = fake.createKey('ECC_NIST_P256');
    const sign = (input: Partial<ConstructorParameters<typeof SignCommand>[0]>) =>
      client
        .send(
          new SignCommand({
            KeyId: ec.arn,
            Message: new Uint8Array(32),
            SigningAlgorithm: 'ECDSA_SHA_256',
            ...input,
          }),
        )
        .catch((error: unknown) => error as Error);

    const tooLong = await sign({ Message: new Uint8Array(4097), SigningAlgorithm: 'ECDSA_SHA_256' });
    expect(tooLong).toBeInstanceOf(KMSServiceException);
    expect(tooLong).toMatchObject({ name: 'ValidationException', message: /less than or equal to 4096/ });
    const shortDigest = await sign({
      Message: new Uint8Array(20),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(shortDigest).toMatchObject({ name: 'ValidationException', message: /Digest is invalid length/ });
    expect(await sign({ SigningAlgorithm: 'ECDSA_SHA_384' })).toBeInstanceOf(InvalidKeyUsageException);
    expect(await sign({ SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' })).toBeInstanceOf(
      InvalidKeyUsageException,
    );
    const symmetric = fake.createKey('SYMMETRIC_DEFAULT');
    expect(await sign({ KeyId: symmetric.keyId, SigningAlgorithm: 'ECDSA_SHA_256' })).toBeInstanceOf(
      InvalidKeyUsageException,
    );
    expect(await sign({ KeyId: 'alias/missing', SigningAlgorithm: 'ECDSA_SHA_256' })).toBeInstanceOf(
      NotFoundException,
    );
  });

  it('describes keys and refuses GetPublicKey for symmetric keys', async () => {
    const symmetric = fake.createKey('SYMMETRIC_DEFAULT', { alias: 'alias/fake-symmetric' });
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: 'alias/fake-symmetric' }));
    expect(KeyMetadata).toMatchObject({
      Arn: symmetric.arn,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
    });
    expect(() => fake.getPublicKey({ KeyId: symmetric.arn })).toThrow(UnsupportedOperationException);
  });

  it('opens a data key only with its own encryption context and key', async () => {
    const key = fake.createKey('SYMMETRIC_DEFAULT');
    const context = { certificateArn: 'arn:one', other: 'x' };
    const { Plaintext, CiphertextBlob } = await client.send(
      new GenerateDataKeyCommand({ KeyId: key.keyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    expect(Plaintext).toHaveLength(32);
    const decrypt = (input: Partial<ConstructorParameters<typeof DecryptCommand>[0]>) =>
      client
        .send(new DecryptCommand({ CiphertextBlob, ...input }))
        .then((output) => output.Plaintext)
        .catch((error: unknown) => error);

    // The context is a map: order does not matter, content does.
    expect(await decrypt({ EncryptionContext: { other: 'x', certificateArn: 'arn:one' } })).toEqual(
      Plaintext,
    );
    expect(await decrypt({ EncryptionContext: { certificateArn: 'arn:one' } })).toBeInstanceOf(
      InvalidCiphertextException,
    );
    expect(await decrypt({})).toBeInstanceOf(InvalidCiphertextException);
    const other = fake.createKey('SYMMETRIC_DEFAULT');
    expect(await decrypt({ KeyId: other.arn, EncryptionContext: context })).toBeInstanceOf(
      IncorrectKeyException,
    );
    const tampered = Buffer.from(CiphertextBlob as Uint8Array);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    expect(await decrypt({ CiphertextBlob: tampered, EncryptionContext: context })).toBeInstanceOf(
      InvalidCiphertextException,
    );
  });

  it('computes real HMACs and checks the MAC algorithm and message length', async () => {
    const key = fake.createKey('HMAC_256');
    const { Mac } = await client.send(
      new GenerateMacCommand({ KeyId: key.arn, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from('m') }),
    );
    expect(Buffer.from(Mac as Uint8Array)).toEqual(
      createHmac('sha256', fake.secretOf(key.keyId)).update('m').digest(),
    );
    await expect(
      client.send(
        new GenerateMacCommand({ KeyId: key.arn, MacAlgorithm: 'HMAC_SHA_512', Message: Buffer.from('m') }),
      ),
    ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    await expect(
      client.send(
        new GenerateMacCommand({ KeyId: key.arn, MacAlgorithm: 'HMAC_SHA_256', Message: new Uint8Array(0) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
