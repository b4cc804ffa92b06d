import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLeafKeyPair, type LeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { leafCertificateParams } from '../../../functions/core/issuance/leaf-profile.ts';
import type { RequestableKeyAlgorithm } from '../../../functions/core/model.ts';
import type { IssuanceProfile } from '../../../functions/core/settings.ts';
import { TEST_PROFILE, testCa, validityWindow } from './test-ca.ts';

describe('leafCertificateParams extensions', () => {
  let issuer: x509.X509Certificate;
  let keys: Record<'RSA_2048' | 'EC_prime256v1', LeafKeyPair>;

  beforeAll(async () => {
    const [ca, rsa, ec] = await Promise.all([
      testCa('EC_prime256v1'),
      generateLeafKeyPair('RSA_2048'),
      generateLeafKeyPair('EC_prime256v1'),
    ]);
    issuer = new x509.X509Certificate(ca.certificatePem);
    keys = { RSA_2048: rsa, EC_prime256v1: ec };
  });

  async function extensionsFor(
    algorithm: RequestableKeyAlgorithm & keyof typeof keys,
    profile: IssuanceProfile,
  ) {
    const params = await leafCertificateParams({
      issuerCertificate: issuer,
      names: ['example.test'],
      leafPublicKeySpki: keys[algorithm].publicKeySpkiDer,
      leafKeyAlgorithm: algorithm,
      serialHex: '0102030405060708090a',
      ...validityWindow(new Date(), profile.validityDays),
      profile,
    });
    const extensions = params.extensions ?? [];
    return {
      types: extensions.map((extension) => extension.type),
      usages: extensions.find((e) => e instanceof x509.KeyUsagesExtension)?.usages,
      crl: extensions.find((e) => e instanceof x509.CRLDistributionPointsExtension)?.distributionPoints,
      policies: extensions.find((e) => e instanceof x509.CertificatePolicyExtension)?.policies,
    };
  }

  it('follows each profile and key kind, whichever was built before', async () => {
    const other: IssuanceProfile = {
      ...TEST_PROFILE,
      crlUrl: 'http://other.example.test/ca.crl',
      caIssuersUrl: undefined,
      policyOids: ['2.23.140.1.2.1', '1.3.6.1.4.1.99999.1'],
    };
    for (let round = 0; round < 2; round++) {
      const ec = await extensionsFor('EC_prime256v1', TEST_PROFILE);
      const rsa = await extensionsFor('RSA_2048', TEST_PROFILE);
      const elsewhere = await extensionsFor('EC_prime256v1', other);
      expect(ec.usages).toBe(x509.KeyUsageFlags.digitalSignature);
      expect(rsa.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
      expect(ec.types).toEqual([
        '2.5.29.35',
        '2.5.29.14',
        '2.5.29.15',
        '2.5.29.37',
        '2.5.29.19',
        '2.5.29.17',
        '2.5.29.32',
        '2.5.29.31',
        '1.3.6.1.5.5.7.1.1',
      ]);
      expect(elsewhere.types).toEqual(ec.types.slice(0, -1));
      expect(JSON.stringify(ec.crl)).toContain('crl.example.test');
      expect(JSON.stringify(elsewhere.crl)).toContain('other.example.test');
      expect(ec.policies).toEqual(['2.23.140.1.2.1']);
      expect(elsewhere.policies).toEqual(['2.23.140.1.2.1', '1.3.6.1.4.1.99999.1']);
    }
  });
});
