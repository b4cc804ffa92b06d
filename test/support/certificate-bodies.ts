import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { extendedKeyUsageNames, keyUsageNames } from '../../functions/core/issuance/usage-names.ts';
import type { CertificateRecord, IssuedCertificate } from '../../functions/core/model.ts';

export interface BodyOptions {
  subject: string;
  names?: x509.JsonGeneralName[];
  serialHex?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyUsages?: x509.KeyUsageFlags;
  extendedKeyUsages?: string[];
}

const keys = crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);

/** A self-signed P-256 certificate body, as an IssuedCertificate reads it (no sealed key: never used). */
export async function issuedBody(options: BodyOptions): Promise<IssuedCertificate> {
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: options.serialHex ?? '0a1b2c3d',
    name: options.subject,
    notBefore: options.notBefore ?? new Date('2026-01-01T00:00:00Z'),
    notAfter: options.notAfter ?? new Date('2027-01-01T00:00:00Z'),
    keys: (await keys) as CryptoKeyPair,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      ...(options.names ? [new x509.SubjectAlternativeNameExtension(options.names)] : []),
      ...(options.keyUsages ? [new x509.KeyUsagesExtension(options.keyUsages, true)] : []),
      ...(options.extendedKeyUsages ? [new x509.ExtendedKeyUsageExtension(options.extendedKeyUsages)] : []),
    ],
  });
  return {
    certificatePem: certificate.toString('pem'),
    chainPem: '',
    serialHex: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    issuedAt: '2026-01-01T00:00:00.000Z',
    sealedPrivateKey: 'not-a-sealed-key',
    keyUsages: keyUsageNames(certificate),
    extendedKeyUsages: extendedKeyUsageNames(certificate),
  };
}

/** `certificate` as an import of `body`: IMPORTED, ISSUED, EC_prime256v1, no validations. */
export function asImport(certificate: CertificateRecord, body: IssuedCertificate): CertificateRecord {
  return {
    ...certificate,
    type: 'IMPORTED',
    status: 'ISSUED',
    keyAlgorithm: 'EC_prime256v1',
    domainValidations: [],
    options: { ...certificate.options, certificateTransparencyLoggingPreference: 'DISABLED' },
    issued: body,
    importedAt: body.issuedAt,
  };
}
