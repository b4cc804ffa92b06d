import { parseCertificateArn } from '../arn.ts';
import { canonicalDnsName } from '../dns-zones.ts';
import type { DomainValidation, FailureReason } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { updateCertificate } from './update-certificate.ts';

/** A name that caused the failure, and what was seen there (its domain validation becomes FAILED). */
export interface DomainFailure {
  domainName: string;
  lastCheck: NonNullable<DomainValidation['lastCheck']>;
}

/**
 * The workflow's last word when a step failed for good: a pending certificate becomes FAILED. Answers
 * whether this call made it FAILED (false when it was no longer pending).
 */
export async function recordFailure(
  deps: { store: CertificateStore },
  arn: string,
  reason: FailureReason = 'OTHER',
  domainFailures: readonly DomainFailure[] = [],
): Promise<boolean> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const byName = new Map(domainFailures.map((failure) => [canonicalDnsName(failure.domainName), failure]));
  let recorded = false;
  await updateCertificate(deps.store, accountId, certificateId, (current) => {
    recorded = current.status === 'PENDING_VALIDATION';
    if (!recorded) return undefined;
    const domainValidations = current.domainValidations.map((dv) => {
      const failure = byName.get(canonicalDnsName(dv.domainName));
      return failure ? { ...dv, status: 'FAILED' as const, lastCheck: failure.lastCheck } : dv;
    });
    return { ...current, status: 'FAILED', failureReason: reason, domainValidations };
  });
  return recorded;
}
