import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { type PolicyRules, policyFailure } from './policy-failure.ts';

/**
 * The domain policy's turn in the workflow's first step, before anything is published or mailed. A pending
 * certificate whose names break it becomes FAILED with the FailureReason, and the names that broke it get
 * ValidationStatus FAILED (the others stay PENDING_VALIDATION), as ACM shows a failed request. The write is
 * conditional on the certificate's version and still being pending. Returns true when the certificate may
 * go on to validation.
 */
export async function passesDomainPolicy(
  store: CertificateStore,
  certificate: CertificateRecord,
  rules: PolicyRules,
): Promise<boolean> {
  const failure = policyFailure(certificate.subjectAlternativeNames, rules);
  if (!failure) return true;
  const failed = new Set(failure.domainNames);
  await updateCertificate(store, certificate.accountId, certificate.id, (current) =>
    current.status === 'PENDING_VALIDATION'
      ? {
          ...current,
          status: 'FAILED',
          failureReason: failure.reason,
          domainValidations: current.domainValidations.map((dv) =>
            failed.has(dv.domainName) ? { ...dv, status: 'FAILED' } : dv,
          ),
        }
      : undefined,
  );
  return false;
}
