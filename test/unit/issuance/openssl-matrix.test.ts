/** Certificates from every CA key algorithm for several leaf key algorithms, checked by OpenSSL. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLeafKeyPair, type LeafKeyPair } from '../../../functions/core/issuance/leaf-key.ts';
import { newSerialHex } from '../../../functions/core/issuance/serial.ts';
import { signLeafCertificate } from '../../../functions/core/issuance/sign-leaf.ts';
import type { CaKeyAlgorithm, RequestableKeyAlgorithm } from '../../../functions/core/model.ts';
import { cryptoRandom, openssl, TEST_PROFILE, type TestCa, testCa, validityWindow } from './test-ca.ts';

const CA_ALGORITHMS: CaKeyAlgorithm[] = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'];
const COMMON_LEAF_ALGORITHMS: RequestableKeyAlgorithm[] = ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1'];
const CASES: Array<[CaKeyAlgorithm, RequestableKeyAlgorithm]> = [
  ...CA_ALGORITHMS.flatMap((ca) =>
    COMMON_LEAF_ALGORITHMS.map((leaf): [CaKeyAlgorithm, RequestableKeyAlgorithm] => [ca, leaf]),
  ),
  ['EC_prime256v1', 'RSA_3072'],
  ['RSA_2048', 'RSA_4096'],
];
const NAMES = ['example.test', '*.example.test', 'www.example.test'];

const SIGNATURE_TEXT: Record<CaKeyAlgorithm, string> = {
  RSA_2048: 'sha256WithRSAEncryption',
  EC_prime256v1: 'ecdsa-with-SHA256',
  EC_secp384r1: 'ecdsa-with-SHA384',
};
const KEY_TEXT: Record<RequestableKeyAlgorithm, string> = {
  RSA_2048: 'Public-Key: (2048 bit)',
  RSA_3072: 'Public-Key: (3072 bit)',
  RSA_4096: 'Public-Key: (4096 bit)',
  EC_prime256v1: 'NIST CURVE: P-256',
  EC_secp384r1: 'NIST CURVE: P-384',
};

describe('issued certificates under openssl', () => {
  let directory: string;
  const cas = new Map<CaKeyAlgorithm, TestCa>();
  const leafKeys = new Map<RequestableKeyAlgorithm, LeafKeyPair>();

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-openssl-'));
    const leafAlgorithms = [...new Set(CASES.map(([, leaf]) => leaf))];
    await Promise.all([
      ...CA_ALGORITHMS.map(async (algorithm) => {
        const ca = await testCa(algorithm);
        cas.set(algorithm, ca);
        await writeFile(join(directory, `ca-${algorithm}.pem`), ca.certificatePem);
      }),
      ...leafAlgorithms.map(async (algorithm) =>
        leafKeys.set(algorithm, await generateLeafKeyPair(algorithm)),
      ),
    ]);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each(CA_ALGORITHMS)('makes a %s root CA certificate openssl accepts as a CA', async (algorithm) => {
    const file = `ca-${algorithm}.pem`;
    const text = (await openssl(['x509', '-noout', '-text', '-in', file], directory)).stdout;
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE\n/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign\n/);
    expect(text).toContain(`Signature Algorithm: ${SIGNATURE_TEXT[algorithm]}`);
    const ski = text.match(/Subject Key Identifier:\s+([0-9A-F:]+)/)?.[1];
    expect(ski).toBeDefined();
    expect(text).toMatch(new RegExp(`Authority Key Identifier:\\s+(keyid:)?${ski}`));
    const verified = await openssl(['verify', '-x509_strict', '-CAfile', file, file], directory);
    expect(verified.stdout).toBe(`${file}: OK\n`);
  });

  it.each(CASES)(
    'CA %s signs a %s leaf that openssl verifies for TLS servers',
    async (caAlgorithm, leafAlgorithm) => {
      const ca = cas.get(caAlgorithm) as TestCa;
      const now = new Date();
      const serialHex = newSerialHex(cryptoRandom);
      const { certificatePem } = await signLeafCertificate({
        signer: ca.signer,
        issuerCertificatePem: ca.certificatePem,
        names: NAMES,
        leafPublicKeySpki: (leafKeys.get(leafAlgorithm) as LeafKeyPair).publicKeySpkiDer,
        leafKeyAlgorithm: leafAlgorithm,
        serialHex,
        ...validityWindow(now, TEST_PROFILE.validityDays),
        profile: TEST_PROFILE,
        now,
      });
      const caFile = `ca-${caAlgorithm}.pem`;
      const leafFile = `leaf-${caAlgorithm}-${leafAlgorithm}.pem`;
      await writeFile(join(directory, leafFile), certificatePem);

      const verify = (...extra: string[]) =>
        openssl(
          ['verify', '-x509_strict', '-purpose', 'sslserver', ...extra, '-CAfile', caFile, leafFile],
          directory,
        );
      expect(await verify()).toMatchObject({ code: 0, stdout: `${leafFile}: OK\n` });
      expect(await verify('-verify_hostname', 'www.example.test')).toMatchObject({ code: 0 });
      expect(await verify('-verify_hostname', 'api.example.test')).toMatchObject({ code: 0 });
      const mismatch = await verify('-verify_hostname', 'example.org');
      expect(mismatch.code).not.toBe(0);
      expect(mismatch.stderr + mismatch.stdout).toMatch(/hostname mismatch/);

      const text = (await openssl(['x509', '-noout', '-text', '-in', leafFile], directory)).stdout;
      expect(text).toContain('Version: 3 (0x2)');
      expect(text).toMatch(/Subject: CN ?= ?example\.test\n/);
      expect(text).toMatch(
        /X509v3 Subject Alternative Name:\s*\n\s+DNS:example\.test, DNS:\*\.example\.test, DNS:www\.example\.test\n/,
      );
      const usages = leafAlgorithm.startsWith('RSA')
        ? 'Digital Signature, Key Encipherment'
        : 'Digital Signature';
      expect(text).toMatch(new RegExp(`X509v3 Key Usage: critical\\s+${usages}\\n`));
      expect(text).toMatch(/X509v3 Extended Key Usage:\s*\n\s+TLS Web Server Authentication\n/);
      expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE\n/);
      expect(text).toMatch(
        /X509v3 CRL Distribution Points:\s*\n\s+Full Name:\s+URI:http:\/\/crl\.example\.test\/ca\.crl\n/,
      );
      expect(text).toMatch(
        /Authority Information Access:\s*\n\s+CA Issuers - URI:http:\/\/ca\.example\.test\/ca\.der\n/,
      );
      expect(text).toMatch(/X509v3 Certificate Policies:\s*\n\s+Policy: 2\.23\.140\.1\.2\.1\n/);
      expect(text).toContain('X509v3 Subject Key Identifier');
      expect(text).toContain('X509v3 Authority Key Identifier');
      expect(text).toContain(`Signature Algorithm: ${SIGNATURE_TEXT[caAlgorithm]}`);
      expect(text).toContain(KEY_TEXT[leafAlgorithm]);

      const serial = (await openssl(['x509', '-noout', '-serial', '-in', leafFile], directory)).stdout;
      expect(serial).toBe(`serial=${serialHex.toUpperCase()}\n`);
      expect(serialHex).toHaveLength(34);
    },
  );
});
