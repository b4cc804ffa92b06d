import { describe, expect, it } from 'vitest';
import { generateLeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import { signLeafCertificate } from '../../../functions/core/issuance/sign-leaf.ts';
import { extendedKeyUsageNames, keyUsageNames } from '../../../functions/core/issuance/usage-names.ts';
import type { RequestableKeyAlgorithm } from '../../../functions/core/model.ts';
import { cryptoRandom, TEST_PROFILE, testCa, validityWindow } from './test-ca.ts';

describe('signLeafCertificate usage names', () => {
  it.each([
    ['RSA_2048', ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT']],
    ['EC_prime256v1', ['DIGITAL_SIGNATURE']],
  ] as const)('answers the usages the signed %s certificate carries', async (algorithm, expected) => {
    const [ca, leafKey] = await Promise.all([
      testCa('EC_prime256v1'),
      generateLeafKeyPair(algorithm as RequestableKeyAlgorithm),
    ]);
    const now = new Date();
    const signed = await signLeafCertificate({
      signer: ca.signer,
      issuerCertificatePem: ca.certificatePem,
      names: ['example.test'],
      leafPublicKeySpki: leafKey.publicKeySpkiDer,
      leafKeyAlgorithm: algorithm,
      serialHex: newSerialHex(cryptoRandom),
      ...validityWindow(now, TEST_PROFILE.validityDays),
      profile: TEST_PROFILE,
      now,
    });
    expect(signed.keyUsages).toEqual(expected);
    expect(signed.keyUsages).toEqual(keyUsageNames(signed.certificate));
    expect(signed.extendedKeyUsages).toEqual([
      { name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' },
    ]);
    expect(signed.extendedKeyUsages).toEqual(extendedKeyUsageNames(signed.certificate));
  });
});
