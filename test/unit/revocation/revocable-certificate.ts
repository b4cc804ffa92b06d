import { randomBytes } from 'node:crypto';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import { pendingCertificate } from '../core/core-fixtures.ts';

/** Creates an ISSUED, announced certificate in `store`, with a serial of its own, ready to be revoked. */
export async function createIssuedCertificate(
  store: CertificateStore,
  overrides: Partial<CertificateRecord> = {},
): Promise<CertificateRecord> {
  const certificate = pendingCertificate({
    status: 'ISSUED',
    issued: {
      certificatePem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
      chainPem: '',
      serialHex: `01${randomBytes(16).toString('hex')}`,
      notBefore: '2026-04-01T11:00:00.000Z',
      notAfter: '2027-04-30T10:59:59.000Z',
      issuedAt: '2026-04-01T12:00:00.000Z',
      sealedPrivateKey: 'sealed',
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      extendedKeyUsages: [{ name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' }],
      announcedAt: '2026-04-01T12:00:00.000Z',
    },
    ...overrides,
  });
  await store.create(certificate);
  return certificate;
}
