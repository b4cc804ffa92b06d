import type { CertificateRecord } from '../model.ts';
import type { RenewalSettings } from '../settings.ts';

export type RenewalEligibility = 'ELIGIBLE' | 'INELIGIBLE';

/** The deployment's choice of which issued certificates managed renewal looks after. */
export type RenewalEligibilityPolicy = Pick<RenewalSettings, 'renewAllIssued'>;

/**
 * As ACM: a certificate Certwright issued is eligible for managed renewal while it is ISSUED and in use or
 * exported; with `renewAllIssued`, while it is ISSUED. Imported certificates never are (the service holds no
 * CA for them).
 */
export function renewalEligibility(
  certificate: CertificateRecord,
  policy: RenewalEligibilityPolicy,
): RenewalEligibility {
  const eligible =
    certificate.type === 'AMAZON_ISSUED' &&
    certificate.status === 'ISSUED' &&
    (policy.renewAllIssued || certificate.inUseBy.length > 0 || certificate.exported !== undefined);
  return eligible ? 'ELIGIBLE' : 'INELIGIBLE';
}
