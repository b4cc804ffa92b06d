/** KmsCaSigner against a fake KMS holding real keys: certificates it signs verify with openssl. */
import { createHash, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetPublicKeyCommand,
  type KMSClient,
  NotFoundException,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsCaSigner } from '../../../functions/adapters/aws/kms-ca-signer.ts';
import { createSelfSignedCaCertificate } from '../../../functions/core/issuance/ca-certificate.ts';
import { generateLeafKeyPair, type LeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { splitCertificateDer } from '../../../functions/core/issuance/lint.ts';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import { signLeafCertificate } from '../../../functions/core/issuance/sign-leaf.ts';
import type { CaKeyAlgorithm } from '../../../functions/core/model.ts';
import { cryptoRandom, openssl, TEST_PROFILE, validityWindow } from '../../unit/issuance/test-ca.ts';
import { type FakeKeySpec, FakeKms, fakeKmsClient } from './fake-kms.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const NAMES = ['example.test', '*.example.test', 'www.example.test'];

const CASES: Array<{
  keySpec: FakeKeySpec;
  algorithm: CaKeyAlgorithm;
  signingAlgorithm: string;
  hash: 'sha256' | 'sha384';
  signatureText: string;
}> = [
  {
    keySpec: 'RSA_2048',
    algorithm: 'RSA_2048',
    signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    hash: 'sha256',
    signatureText: 'sha256WithRSAEncryption',
  },
  {
    keySpec: 'ECC_NIST_P256',
    algorithm: 'EC_prime256v1',
    signingAlgorithm: 'ECDSA_SHA_256',
    hash: 'sha256',
    signatureText: 'ecdsa-with-SHA256',
  },
  {
    keySpec: 'ECC_NIST_P384',
    algorithm: 'EC_secp384r1',
    signingAlgorithm: 'ECDSA_SHA_384',
    hash: 'sha384',
    signatureText: 'ecdsa-with-SHA384',
  },
];

describe('KmsCaSigner', () => {
  let directory: string;
  let fake: FakeKms;
  let client: KMSClient;
  let stub: AwsClientStub<KMSClient>;
  let leafKey: LeafKeyPair;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-kms-signer-'));
    fake = new FakeKms();
    ({ client, stub } = fakeKmsClient(fake));
    leafKey = await generateLeafKeyPair('EC_prime256v1');
  });
  afterAll(async () => {
    stub.restore();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    stub.resetHistory();
  });

  const signInputs = () =>
    stub.commandCalls(SignCommand).map((call) => call.args[0].input as SignCommandInput);

  it.each(CASES)(
    'a $keySpec key signs a CA certificate and a leaf that openssl verifies, through Sign with DIGEST',
    async ({ keySpec, algorithm, signingAlgorithm, hash, signatureText }) => {
      const alias = `alias/certwright-ca-${keySpec.toLowerCase()}`;
      const key = fake.createKey(keySpec, { keyUsage: 'SIGN_VERIFY', alias });
      const signer = await KmsCaSigner.create(client, alias);
      expect(signer.algorithm).toBe(algorithm);
      expect(signer.keyId).toBe(key.arn);
      expect(Buffer.from(await signer.publicKeySpki())).toEqual(
        fake.publicKeyOf(key.keyId).export({ type: 'spki', format: 'der' }),
      );

      const now = new Date();
      const { notBefore } = validityWindow(now, 0);
      const caPem = await createSelfSignedCaCertificate({
        signer,
        subject: 'CN=Certwright KMS Test CA, O=Certwright',
        notBefore,
        notAfter: new Date(notBefore.getTime() + 5 * 365 * DAY_MS),
        serialHex: newSerialHex(cryptoRandom),
      });
      const { certificatePem, certificate } = await signLeafCertificate({
        signer,
        issuerCertificatePem: caPem,
        names: NAMES,
        leafPublicKeySpki: leafKey.publicKeySpkiDer,
        leafKeyAlgorithm: 'EC_prime256v1',
        serialHex: newSerialHex(cryptoRandom),
        ...validityWindow(now, TEST_PROFILE.validityDays),
        profile: TEST_PROFILE,
        now,
      });

      const caFile = `ca-${keySpec}.pem`;
      const leafFile = `leaf-${keySpec}.pem`;
      await writeFile(join(directory, caFile), caPem);
      await writeFile(join(directory, leafFile), certificatePem);
      expect(await openssl(['verify', '-x509_strict', '-CAfile', caFile, caFile], directory)).toMatchObject({
        code: 0,
        stdout: `${caFile}: OK\n`,
      });
      const verified = await openssl(
        ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'www.example.test'].concat([
          '-CAfile',
          caFile,
          leafFile,
        ]),
        directory,
      );
      expect(verified).toMatchObject({ code: 0, stdout: `${leafFile}: OK\n` });
      const text = (await openssl(['x509', '-noout', '-text', '-in', leafFile], directory)).stdout;
      expect(text).toContain(`Signature Algorithm: ${signatureText}`);

      // One GetPublicKey for the life of the signer; one Sign each for the CA certificate and the leaf.
      expect(stub.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
      const signs = signInputs();
      expect(signs).toHaveLength(2);
      for (const input of signs) {
        expect(input).toMatchObject({
          KeyId: key.arn,
          MessageType: 'DIGEST',
          SigningAlgorithm: signingAlgorithm,
        });
      }
      // What KMS signed is the digest of the leaf's to-be-signed bytes, hashed locally.
      const { tbs } = splitCertificateDer(new Uint8Array(certificate.rawData));
      expect(Buffer.from(signs[1]?.Message as Uint8Array)).toEqual(createHash(hash).update(tbs).digest());
    },
  );

  it.each(CASES)(
    'sign() returns what the port promises for $keySpec (DER for ECDSA), without asking for the key again',
    async ({ keySpec, hash }) => {
      const key = fake.createKey(keySpec, { keyUsage: 'SIGN_VERIFY' });
      const signer = await KmsCaSigner.create(client, key.keyId);
      const message = new TextEncoder().encode('to-be-signed bytes '.repeat(400)); // over KMS's RAW limit
      for (let round = 0; round < 3; round++) {
        const signature = await signer.sign(message);
        if (keySpec.startsWith('ECC')) expect(signature[0]).toBe(0x30);
        const publicKey = fake.publicKeyOf(key.keyId);
        expect(verify(hash, message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      }
      await signer.publicKeySpki();
      expect(stub.commandCalls(GetPublicKeyCommand)).toHaveLength(1);
      expect(signInputs().every((input) => input.MessageType === 'DIGEST')).toBe(true);
    },
  );

  it.each<[string, FakeKeySpec, 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT' | undefined, RegExp]>([
    [
      'a symmetric encryption key',
      'SYMMETRIC_DEFAULT',
      undefined,
      /cannot be the CA key: it is not an asymmetric key/,
    ],
    ['an HMAC key', 'HMAC_256', undefined, /cannot be the CA key: it is not an asymmetric key/],
    [
      'an RSA ENCRYPT_DECRYPT key',
      'RSA_2048',
      'ENCRYPT_DECRYPT',
      /cannot be the CA key: its KeyUsage is ENCRYPT_DECRYPT, not SIGN_VERIFY/,
    ],
    [
      'a secp256k1 signing key',
      'ECC_SECG_P256K1',
      'SIGN_VERIFY',
      /cannot be the CA key: its KeySpec is ECC_SECG_P256K1; supported are RSA_2048, ECC_NIST_P256, ECC_NIST_P384/,
    ],
    ['an RSA-3072 signing key', 'RSA_3072', 'SIGN_VERIFY', /cannot be the CA key: its KeySpec is RSA_3072/],
  ])('refuses %s', async (_label, keySpec, keyUsage, message) => {
    const key = fake.createKey(keySpec, keyUsage ? { keyUsage } : {});
    await expect(KmsCaSigner.create(client, key.arn)).rejects.toThrow(message);
    expect(stub.commandCalls(SignCommand)).toHaveLength(0);
  });

  it('passes KMS errors through unchanged: an unknown key, and throttling once the SDK retries are spent', async () => {
    const missing = await KmsCaSigner.create(client, 'alias/no-such-key').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundException);

    const key = fake.createKey('ECC_NIST_P256', { keyUsage: 'SIGN_VERIFY' });
    const signer = await KmsCaSigner.create(client, key.arn);
    fake.failNext('Sign', 'ThrottlingException');
    await expect(signer.sign(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(await signer.sign(new Uint8Array([1, 2, 3]))).toBeInstanceOf(Uint8Array);
  });
});
