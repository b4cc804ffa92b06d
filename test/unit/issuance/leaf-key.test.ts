import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateLeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';

describe('generateLeafKeyPair', () => {
  it.each([
    ['EC_prime256v1', 'ec', { namedCurve: 'prime256v1' }],
    ['EC_secp384r1', 'ec', { namedCurve: 'secp384r1' }],
    ['RSA_2048', 'rsa', { modulusLength: 2048, publicExponent: 65537n }],
  ] as const)('makes a %s PKCS#8 private key and its SPKI public key', async (algorithm, type, details) => {
    const pair = await generateLeafKeyPair(algorithm);
    const privateKey = createPrivateKey({
      key: Buffer.from(pair.privateKeyPkcs8Der),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = createPublicKey({
      key: Buffer.from(pair.publicKeySpkiDer),
      format: 'der',
      type: 'spki',
    });
    expect(privateKey.asymmetricKeyType).toBe(type);
    expect(privateKey.asymmetricKeyDetails).toMatchObject(details);
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).toEqual(
      publicKey.export({ type: 'spki', format: 'der' }),
    );
  });

  it('makes a different key every time', async () => {
    const [a, b] = await Promise.all([
      generateLeafKeyPair('EC_prime256v1'),
      generateLeafKeyPair('EC_prime256v1'),
    ]);
    expect(Buffer.from(a.publicKeySpkiDer).equals(Buffer.from(b.publicKeySpkiDer))).toBe(false);
  });
});
