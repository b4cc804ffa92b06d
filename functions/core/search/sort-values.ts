import type { SortValue } from '../listing/sorted-page.ts';
import type { SearchCandidate } from './filter-statement.ts';

/** SearchCertificates' SortBy values, in the order ACM's model lists them. */
export const SEARCH_SORT_BY = [
  'CREATED_AT',
  'NOT_AFTER',
  'STATUS',
  'RENEWAL_STATUS',
  'EXPORTED',
  'IN_USE',
  'NOT_BEFORE',
  'KEY_ALGORITHM',
  'TYPE',
  'CERTIFICATE_ARN',
  'COMMON_NAME',
  'REVOKED_AT',
  'RENEWAL_ELIGIBILITY',
  'ISSUED_AT',
  'MANAGED_BY',
  'EXPORT_OPTION',
  'VALIDATION_METHOD',
  'IMPORTED_AT',
  'ACME_ENDPOINT_ARN',
  'ACME_ACCOUNT_ID',
  'CERTIFICATE_KEY_PAIR_ORIGIN',
] as const;
export type SearchSortBy = (typeof SEARCH_SORT_BY)[number];

/**
 * The value a candidate sorts by. Times sort as ISO-8601 UTC text, booleans as 0 and 1, and a value the
 * certificate does not have as the empty text, so it comes first in ascending order.
 */
export function sortValue(sortBy: SearchSortBy, candidate: SearchCandidate): SortValue {
  const { metadata } = candidate;
  switch (sortBy) {
    case 'CREATED_AT':
      return time(metadata.createdAt);
    case 'NOT_AFTER':
      return time(candidate.x509()?.notAfter);
    case 'NOT_BEFORE':
      return time(candidate.x509()?.notBefore);
    case 'ISSUED_AT':
      return time(metadata.issuedAt);
    case 'IMPORTED_AT':
      return time(metadata.importedAt);
    case 'REVOKED_AT':
      return time(metadata.revokedAt);
    case 'EXPORTED':
      return Number(metadata.exported);
    case 'IN_USE':
      return Number(metadata.inUse);
    case 'COMMON_NAME':
      return candidate.x509()?.subject.commonName ?? '';
    case 'KEY_ALGORITHM':
      return candidate.x509()?.keyAlgorithm ?? '';
    case 'CERTIFICATE_ARN':
      return candidate.arn;
    case 'STATUS':
      return metadata.status;
    case 'RENEWAL_STATUS':
      return metadata.renewalStatus ?? '';
    case 'TYPE':
      return metadata.type;
    case 'RENEWAL_ELIGIBILITY':
      return metadata.renewalEligibility;
    case 'MANAGED_BY':
      return metadata.managedBy ?? '';
    case 'EXPORT_OPTION':
      return metadata.exportOption ?? '';
    case 'VALIDATION_METHOD':
      return metadata.validationMethod ?? '';
    case 'ACME_ENDPOINT_ARN':
      return metadata.acmeEndpointArn ?? '';
    case 'ACME_ACCOUNT_ID':
      return metadata.acmeAccountId ?? '';
    case 'CERTIFICATE_KEY_PAIR_ORIGIN':
      return metadata.certificateKeyPairOrigin;
  }
}

function time(value: Date | string | undefined): string {
  return value === undefined ? '' : new Date(value).toISOString();
}
