import { parseCertificateArn } from '../arn.ts';
import type { FailureReason } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { updateCertificate } from './update-certificate.ts';

/** The workflow's last word when a step failed for good: a pending certificate becomes FAILED. */
export async function recordFailure(
  deps: { store: CertificateStore },
  arn: string,
  reason: FailureReason = 'OTHER',
): Promise<void> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  await updateCertificate(deps.store, accountId, certificateId, (current) =>
    current.status === 'PENDING_VALIDATION'
      ? { ...current, status: 'FAILED', failureReason: reason }
      : undefined,
  );
}
