import { RequestInProgressError } from '../errors.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';

export async function getCertificatePem(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
): Promise<{ certificatePem: string; chainPem: string }> {
  const certificate = await findCertificate(deps, accountId, arn);
  if (!certificate.issued) {
    throw new RequestInProgressError(
      `Certificate ${arn} has not been issued; its status is ${certificate.status}.`,
    );
  }
  return { certificatePem: certificate.issued.certificatePem, chainPem: certificate.issued.chainPem };
}
