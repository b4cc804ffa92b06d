/**
 * Issued certificates for the export tests: a real self-signed certificate (openssl) whose PKCS#8 key is
 * sealed by a real FileKeyVault under the certificate's ARN, stored as the issuance step would store it.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { FileKeyVault } from '../../../../functions/adapters/local/file-key-vault.ts';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import { newP256KeyArgs } from '../../../support/openssl-key-args.ts';
import { pendingCertificate } from '../core-fixtures.ts';
import { openssl } from './openssl-export-checks.ts';

export interface KeyMaterial {
  certificatePem: string;
  privateKeyPkcs8Der: Uint8Array;
  directory: string;
  vault: FileKeyVault;
}

/** A P-256 key, a self-signed certificate for it, and a key vault, in a directory removed after the file. */
export function useKeyMaterial(): () => KeyMaterial {
  let material: KeyMaterial | undefined;
  beforeAll(async () => {
    const directory = await mkdtemp(join(tmpdir(), 'certwright-export-'));
    const keyFile = join(directory, 'key.pem');
    const certificateFile = join(directory, 'certificate.pem');
    await openssl([
      'req',
      '-x509',
      ...newP256KeyArgs(keyFile),
      '-subj',
      '/CN=export.example.test',
      '-days',
      '30',
      '-out',
      certificateFile,
    ]);
    const privateKeyPkcs8Der = new Uint8Array(
      createPrivateKey(await readFile(keyFile, 'utf8')).export({ type: 'pkcs8', format: 'der' }),
    );
    material = {
      certificatePem: await readFile(certificateFile, 'utf8'),
      privateKeyPkcs8Der,
      directory,
      vault: await FileKeyVault.fromFile(join(directory, 'vault.key')),
    };
  });
  afterAll(async () => {
    if (material) await rm(material.directory, { recursive: true, force: true });
  });
  return () => {
    if (!material) throw new Error('the key material is made in beforeAll');
    return material;
  };
}

/** An ISSUED certificate (Export ENABLED unless overridden) with the material's certificate and sealed key. */
export async function issuedCertificate(
  material: KeyMaterial,
  overrides: Partial<CertificateRecord> = {},
  validity: { notBefore?: string; notAfter?: string } = {},
): Promise<CertificateRecord> {
  const base = pendingCertificate({
    status: 'ISSUED',
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
    ...overrides,
  });
  return {
    ...base,
    issued: {
      certificatePem: material.certificatePem,
      chainPem: '-----BEGIN CERTIFICATE-----\nchain\n-----END CERTIFICATE-----\n',
      serialHex: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      notBefore: validity.notBefore ?? '2026-03-01T12:00:00.000Z',
      notAfter: validity.notAfter ?? '2027-03-31T12:00:00.000Z',
      issuedAt: '2026-03-01T12:05:00.000Z',
      sealedPrivateKey: await material.vault.seal(material.privateKeyPkcs8Der, base.arn),
      keyUsages: ['DIGITAL_SIGNATURE'],
      extendedKeyUsages: [{ name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' }],
    },
    ...overrides,
  };
}
