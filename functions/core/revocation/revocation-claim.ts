import type { CertificateRecord } from '../model.ts';

/** Whether a RevokeCertificate has claimed the certificate's current body and not finished yet. */
export function revocationUnderWay(certificate: CertificateRecord): boolean {
  return (
    certificate.status === 'ISSUED' &&
    certificate.revoking !== undefined &&
    certificate.revoking.serialHex === certificate.issued?.serialHex
  );
}
