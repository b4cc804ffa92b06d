import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateLintError } from '../../../functions/core/errors.ts';
import { generateLeafKeyPair, type LeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import { type SignLeafInput, signLeafCertificate } from '../../../functions/core/issuance/sign-leaf.ts';
import { cryptoRandom, memorySigner, TEST_PROFILE, type TestCa, testCa, validityWindow } from './test-ca.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('signLeafCertificate', () => {
  let ca: TestCa;
  let leafKey: LeafKeyPair;

  beforeAll(async () => {
    [ca, leafKey] = await Promise.all([testCa('EC_prime256v1'), generateLeafKeyPair('EC_prime256v1')]);
  });

  function input(overrides: Partial<SignLeafInput> = {}): SignLeafInput {
    const now = new Date();
    return {
      signer: ca.signer,
      issuerCertificatePem: ca.certificatePem,
      names: ['example.test', 'www.example.test'],
      leafPublicKeySpki: leafKey.publicKeySpkiDer,
      leafKeyAlgorithm: 'EC_prime256v1',
      serialHex: newSerialHex(cryptoRandom),
      ...validityWindow(now, TEST_PROFILE.validityDays),
      profile: TEST_PROFILE,
      now,
      ...overrides,
    };
  }

  async function expectLintError(overrides: Partial<SignLeafInput>, problem: RegExp): Promise<void> {
    ca.signer.signCalls = 0;
    const error = await signLeafCertificate(input(overrides)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CertificateLintError);
    expect((error as Error).message).toMatch(/failed lint/);
    expect((error as Error).message).toMatch(problem);
    // Lint runs before the CA key is used: nothing was signed with it.
    expect(ca.signer.signCalls).toBe(0);
  }

  it('returns a certificate signed by the CA for the requested names, serial and validity', async () => {
    const request = input();
    const { certificatePem, certificate } = await signLeafCertificate(request);
    const caCertificate = new x509.X509Certificate(ca.certificatePem);

    expect(certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(new x509.X509Certificate(certificatePem).rawData).toEqual(certificate.rawData);
    expect(await certificate.verify({ publicKey: caCertificate.publicKey })).toBe(true);
    expect(certificate.serialNumber).toBe(request.serialHex);
    expect(certificate.subject).toBe('CN=example.test');
    expect(certificate.issuer).toBe(caCertificate.subject);
    expect(certificate.notBefore).toEqual(request.notBefore);
    expect(certificate.notAfter).toEqual(request.notAfter);
    const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.items.map((item) => item.value)).toEqual(request.names);
    expect(ca.signer.signCalls).toBe(1);
  });

  it('leaves the CN out and makes the SAN critical when the first name is longer than 64 characters', async () => {
    const longName = `${'a'.repeat(60)}.example.test`;
    const { certificate } = await signLeafCertificate(input({ names: [longName, 'example.test'] }));
    expect(certificate.subject).toBe('');
    expect(certificate.getExtension(x509.SubjectAlternativeNameExtension)?.critical).toBe(true);
  });

  it('refuses a validity longer than the profile allows, and accepts exactly the maximum', async () => {
    const now = new Date();
    const { notBefore } = validityWindow(now, TEST_PROFILE.validityDays);
    await expectLintError(
      { now, notBefore, notAfter: new Date(notBefore.getTime() + TEST_PROFILE.validityDays * DAY_MS) },
      /exceeds the configured 395 days/,
    );
    const exact = new Date(notBefore.getTime() + TEST_PROFILE.validityDays * DAY_MS - 1000);
    await expect(signLeafCertificate(input({ now, notBefore, notAfter: exact }))).resolves.toBeDefined();
  });

  it('refuses a certificate without names', async () => {
    await expectLintError({ names: [] }, /subjectAltName is missing or empty/);
  });

  it('refuses a wildcard that is not the whole leftmost label', async () => {
    await expectLintError({ names: ['a.*.example.com'] }, /"a\.\*\.example\.com": '\*' is only allowed/);
  });

  it('refuses an RSA-1024 leaf key', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    await expectLintError({ leafPublicKeySpki: weak, leafKeyAlgorithm: 'RSA_2048' }, /RSA key has 1024 bits/);
  });

  it('refuses a notBefore more than 48 hours from the signing time', async () => {
    const now = new Date();
    const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 3 * DAY_MS);
    await expectLintError({ notBefore, notAfter: new Date(notBefore.getTime() + 30 * DAY_MS) }, /48 hours/);
  });

  it('refuses a certificate the signer cannot sign for the issuing certificate', async () => {
    const otherKey = await memorySigner('EC_prime256v1');
    const error = await signLeafCertificate(input({ signer: otherKey })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CertificateLintError);
    expect((error as Error).message).toMatch(
      /failed verification after signing: the signature does not verify/,
    );
  });
});
