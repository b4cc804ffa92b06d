import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  caSigningKey,
  externalSigningCrypto,
} from '../../../functions/core/issuance/external-signing-crypto.ts';
import { generateLeafKeyPair, type LeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { leafCertificateParams } from '../../../functions/core/issuance/leaf-profile.ts';
import {
  dnsNameProblem,
  type LeafLintExpectations,
  lintLeafCertificate,
} from '../../../functions/core/issuance/lint.ts';
import { TEST_PROFILE, type TestCa, testCa, validityWindow } from './test-ca.ts';

describe('dnsNameProblem', () => {
  it.each([
    'example.com',
    '*.example.com',
    'xn--bcher-kva.example',
    'a-b.c0',
    'localhost',
    `${'a'.repeat(63)}.com`,
  ])('accepts %s', (name) => expect(dnsNameProblem(name)).toBeUndefined());

  it.each([
    ['a.*.example.com', /only allowed as the whole leftmost label/],
    ['*example.com', /only allowed as the whole leftmost label/],
    ['foo*.example.com', /only allowed as the whole leftmost label/],
    ['*', /nothing after its wildcard/],
    ['a..com', /empty label/],
    ['example.com.', /empty label/],
    ['-a.com', /inner hyphens/],
    ['a-.com', /inner hyphens/],
    ['Example.com', /lowercase/],
    ['a_b.com', /lowercase/],
    [`${'a'.repeat(64)}.com`, /longer than 63/],
    [`${'a.'.repeat(127)}ab`, /longer than 253/],
    ['', /empty DNS name/],
  ])('rejects %s', (name, problem) => expect(dnsNameProblem(name)).toMatch(problem));
});

describe('lintLeafCertificate', () => {
  const names = ['example.test', '*.example.test'];
  let ca: TestCa;
  let caCertificate: x509.X509Certificate;
  let leafKey: LeafKeyPair;

  beforeAll(async () => {
    [ca, leafKey] = await Promise.all([testCa('EC_prime256v1'), generateLeafKeyPair('EC_prime256v1')]);
    caCertificate = new x509.X509Certificate(ca.certificatePem);
  });

  async function leaf(serialHex: string, issuer = caCertificate): Promise<x509.X509Certificate> {
    const params = await leafCertificateParams({
      issuerCertificate: issuer,
      names,
      leafPublicKeySpki: leafKey.publicKeySpkiDer,
      leafKeyAlgorithm: 'EC_prime256v1',
      serialHex,
      ...validityWindow(new Date(), 90),
      profile: TEST_PROFILE,
    });
    return x509.X509CertificateGenerator.create(
      { ...params, signingKey: caSigningKey(ca.signer) },
      externalSigningCrypto(),
    );
  }

  function expectations(overrides: Partial<LeafLintExpectations> = {}): LeafLintExpectations {
    return {
      names,
      serialHex: '4a'.repeat(16),
      issuerCertificate: caCertificate,
      caAlgorithm: 'EC_prime256v1',
      leafKeyAlgorithm: 'EC_prime256v1',
      validityDays: 90,
      policyOids: TEST_PROFILE.policyOids,
      now: new Date(),
      ...overrides,
    };
  }

  it('finds nothing wrong with a certificate built from the profile', async () => {
    expect(lintLeafCertificate(await leaf('4a'.repeat(16)), expectations())).toEqual([]);
  });

  it('reports a SAN that is not exactly the requested names', async () => {
    const problems = lintLeafCertificate(
      await leaf('4a'.repeat(16)),
      expectations({ names: [...names, 'www.example.test'] }),
    );
    expect(problems).toEqual([
      'subjectAltName [example.test, *.example.test] is not the requested [example.test, *.example.test, www.example.test]',
    ]);
  });

  it('reports short serials, serials of 2^159 and more, and a serial other than the reserved one', async () => {
    const short = lintLeafCertificate(await leaf('01'), expectations({ serialHex: '01' }));
    expect(short).toEqual(['serial number has 1 bytes, fewer than 9']);
    const big = `ff${'00'.repeat(19)}`;
    expect(lintLeafCertificate(await leaf(big), expectations({ serialHex: big }))).toEqual([
      'serial number is not below 2^159',
    ]);
    expect(
      lintLeafCertificate(await leaf('4a'.repeat(16)), expectations({ serialHex: '4b'.repeat(16) })),
    ).toEqual(['serial number is not the reserved serial']);
  });

  it('reports a certificate checked against the wrong CA or CA key algorithm', async () => {
    const other = new x509.X509Certificate((await testCa('EC_prime256v1', 'CN=Other CA')).certificatePem);
    const problems = lintLeafCertificate(
      await leaf('4a'.repeat(16)),
      expectations({ issuerCertificate: other }),
    );
    expect(problems).toEqual([
      'issuer name is not byte-identical to the CA certificate subject',
      'authorityKeyIdentifier is not the CA subjectKeyIdentifier',
    ]);
    const wrongAlgorithm = lintLeafCertificate(
      await leaf('4a'.repeat(16)),
      expectations({ caAlgorithm: 'RSA_2048' }),
    );
    expect(wrongAlgorithm).toEqual(['signature algorithm does not match the RSA_2048 CA key']);
  });

  it('reports a leaf key other than the requested algorithm', async () => {
    const problems = lintLeafCertificate(
      await leaf('4a'.repeat(16)),
      expectations({ leafKeyAlgorithm: 'EC_secp384r1' }),
    );
    expect(problems).toEqual(['public key is not the requested EC_secp384r1']);
  });

  it('reports everything that makes a CA certificate unfit as a server certificate', () => {
    const problems = lintLeafCertificate(
      caCertificate,
      expectations({
        serialHex: caCertificate.serialNumber,
        now: caCertificate.notBefore,
        validityDays: 5 * 365,
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'subjectAltName is missing or empty',
        'subject holds more than CN and C',
        'commonName Certwright Test CA is not a subjectAltName',
        'extKeyUsage does not contain serverAuth',
        'keyUsage allows certificate or CRL signing',
        'basicConstraints says cA=TRUE',
        'certificatePolicies is missing',
        'certificatePolicies lacks 2.23.140.1.2.1',
      ]),
    );
  });
});
