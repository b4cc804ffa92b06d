import { parseCertificateArn } from '../arn.ts';
import { canonicalDnsName } from '../dns-zones.ts';
import type { DomainValidation, FailureReason } from '../model.ts';
import type { CertificateStore, Clock } from '../ports.ts';
import { renewalUnderWay } from '../validation/renewal-run.ts';
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
  let recorded = false;
  await updateCertificate(deps.store, accountId, certificateId, (current) => {
    recorded = current.status === 'PENDING_VALIDATION';
    if (!recorded) return undefined;
    const domainValidations = withFailures(current.domainValidations, domainFailures);
    return { ...current, status: 'FAILED', failureReason: reason, domainValidations };
  });
  return recorded;
}

/**
 * A renewal run's last word when a step failed for good: the renewal of `cycle` (the one in progress, when
 * the run failed before it knew its cycle) becomes FAILED with `reason` as its RenewalStatusReason. The
 * certificate stays ISSUED with its current body, and a claim to sign left by the failed step is dropped.
 * Answers whether this call recorded it (false when that renewal is no longer in progress).
 */
export async function recordRenewalFailure(
  deps: { store: CertificateStore; clock: Clock },
  arn: string,
  cycle: number | undefined,
  reason: FailureReason = 'OTHER',
  domainFailures: readonly DomainFailure[] = [],
): Promise<boolean> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  let recorded = false;
  await updateCertificate(deps.store, accountId, certificateId, (current) => {
    const renewal = renewalUnderWay(current, cycle);
    recorded = renewal !== undefined;
    if (!renewal) return undefined;
    const { issuing: _dropped, ...rest } = current;
    return {
      ...rest,
      renewal: {
        ...renewal,
        status: 'FAILED',
        statusReason: reason,
        updatedAt: deps.clock.now().toISOString(),
        domainValidations: withFailures(renewal.domainValidations, domainFailures),
      },
    };
  });
  return recorded;
}

function withFailures(
  validations: DomainValidation[],
  domainFailures: readonly DomainFailure[],
): DomainValidation[] {
  const byName = new Map(domainFailures.map((failure) => [canonicalDnsName(failure.domainName), failure]));
  return validations.map((dv) => {
    const failure = byName.get(canonicalDnsName(dv.domainName));
    return failure ? { ...dv, status: 'FAILED' as const, lastCheck: failure.lastCheck } : dv;
  });
}
