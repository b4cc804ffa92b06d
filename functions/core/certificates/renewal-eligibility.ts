import type { CertificateRecord } from '../model.ts';

export type RenewalEligibility = 'ELIGIBLE' | 'INELIGIBLE';

/**
 * As ACM: a certificate Certwright issued is eligible for managed renewal while it is ISSUED and in use or
 * exported. Imported certificates never are (the service holds no CA for them).
 */
export function renewalEligibility(certificate: CertificateRecord): RenewalEligibility {
  const eligible =
    certificate.type === 'AMAZON_ISSUED' &&
    certificate.status === 'ISSUED' &&
    (certificate.inUseBy.length > 0 || certificate.exported !== undefined);
  return eligible ? 'ELIGIBLE' : 'INELIGIBLE';
}
