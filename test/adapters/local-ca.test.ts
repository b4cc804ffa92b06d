import { X509Certificate } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCaKey } from '../../functions/adapters/local/file-ca-signer.ts';
import { generateLeafKeyPair } from '../../functions/core/issuance/leaf-key.ts';
import { newSerialHex } from '../../functions/core/issuance/serial.ts';
import { signLeafCertificate } from '../../functions/core/issuance/sign-leaf.ts';
import type { CaKeyAlgorithm } from '../../functions/core/model.ts';
import { ensureLocalCa, type LocalCaOptions } from '../../local/local-ca.ts';
import { cryptoRandom, openssl, TEST_PROFILE, validityWindow } from '../unit/issuance/test-ca.ts';

describe('ensureLocalCa', () => {
  let dataDir: string;
  let caDir: string;

  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'certwright-local-ca-')), 'data');
    caDir = join(dataDir, 'ca');
  });
  afterEach(async () => {
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  function options(algorithm: CaKeyAlgorithm = 'EC_prime256v1'): LocalCaOptions {
    return {
      dataDir,
      algorithm,
      subject: 'CN=Certwright Local CA, O=Certwright',
      validityYears: 10,
      clock: { now: () => new Date() },
      random: cryptoRandom,
    };
  }

  const publicKeyOf = (pem: string) =>
    new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });

  it('creates a CA key (0600) and a ten-year root certificate for it on first start', async () => {
    const ca = await ensureLocalCa(options());
    expect(await readdir(caDir)).toEqual(['ca-key.pem', 'ca.pem']);
    expect((await stat(join(caDir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(caDir, 'ca.pem'), 'utf8')).toBe(ca.certificatePem);
    expect(await ca.issuer.current()).toEqual({ certificatePem: ca.certificatePem, chainPem: [] });
    expect(ca.signer.algorithm).toBe('EC_prime256v1');

    const certificate = new X509Certificate(ca.certificatePem);
    expect(certificate.subject).toBe('CN=Certwright Local CA\nO=Certwright');
    expect(certificate.ca).toBe(true);
    expect(publicKeyOf(ca.certificatePem)).toEqual(Buffer.from(await ca.signer.publicKeySpki()));
    const years =
      (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / (365.25 * 86_400_000);
    expect(years).toBeCloseTo(10, 1);
  });

  it('returns the same CA on later starts', async () => {
    const first = await ensureLocalCa(options());
    const keyPem = await readFile(join(caDir, 'ca-key.pem'), 'utf8');
    const second = await ensureLocalCa(options());
    expect(second.certificatePem).toBe(first.certificatePem);
    expect(await second.signer.publicKeySpki()).toEqual(await first.signer.publicKeySpki());
    expect(await readFile(join(caDir, 'ca-key.pem'), 'utf8')).toBe(keyPem);
  });

  it('gives concurrent first starts one and the same CA', async () => {
    const [a, b] = await Promise.all([ensureLocalCa(options()), ensureLocalCa(options())]);
    expect(a.certificatePem).toBe(b.certificatePem);
    expect(await readdir(caDir)).toEqual(['ca-key.pem', 'ca.pem']);
  });

  it('makes a new certificate for the existing key when ca.pem is missing', async () => {
    const first = await ensureLocalCa(options());
    await rm(join(caDir, 'ca.pem'));
    const second = await ensureLocalCa(options());
    expect(second.certificatePem).not.toBe(first.certificatePem);
    expect(publicKeyOf(second.certificatePem)).toEqual(publicKeyOf(first.certificatePem));
    expect(await readFile(join(caDir, 'ca.pem'), 'utf8')).toBe(second.certificatePem);
  });

  it('refuses a certificate that does not belong to the key', async () => {
    await ensureLocalCa(options());
    const otherKey = join(dataDir, 'other-key.pem');
    await createCaKey(otherKey, 'EC_prime256v1');
    await rm(join(caDir, 'ca-key.pem'));
    await copyFile(otherKey, join(caDir, 'ca-key.pem'));
    await expect(ensureLocalCa(options())).rejects.toThrow(/ca\.pem is not for the key .*ca-key\.pem/);
  });

  it('refuses to silently switch to another key algorithm', async () => {
    await ensureLocalCa(options('EC_prime256v1'));
    await expect(ensureLocalCa(options('EC_secp384r1'))).rejects.toThrow(
      /is EC_prime256v1, but EC_secp384r1 is configured/,
    );
  });

  it('refuses an unreadable certificate instead of replacing it', async () => {
    await ensureLocalCa(options());
    await writeFile(join(caDir, 'ca.pem'), 'not a certificate');
    await expect(ensureLocalCa(options())).rejects.toThrow();
    expect(await readFile(join(caDir, 'ca.pem'), 'utf8')).toBe('not a certificate');
  });

  it('signs leaf certificates that openssl verifies under the CA certificate', async () => {
    const ca = await ensureLocalCa(options('EC_secp384r1'));
    const leafKey = await generateLeafKeyPair('EC_prime256v1');
    const now = new Date();
    const { certificatePem } = await signLeafCertificate({
      signer: ca.signer,
      issuerCertificatePem: (await ca.issuer.current()).certificatePem,
      names: ['app.local.test'],
      leafPublicKeySpki: leafKey.publicKeySpkiDer,
      leafKeyAlgorithm: 'EC_prime256v1',
      serialHex: newSerialHex(cryptoRandom),
      ...validityWindow(now, 90),
      profile: { ...TEST_PROFILE, validityDays: 90 },
      now,
    });
    await writeFile(join(dataDir, 'leaf.pem'), certificatePem);
    const verified = await openssl(
      [
        'verify',
        '-x509_strict',
        '-purpose',
        'sslserver',
        '-verify_hostname',
        'app.local.test',
        '-CAfile',
        'ca/ca.pem',
        'leaf.pem',
      ],
      dataDir,
    );
    expect(verified).toMatchObject({ code: 0, stdout: 'leaf.pem: OK\n' });
  });
});
