import { decodePageToken, encodePageToken } from '../certificates/page-token.ts';
import type { RenewalEligibilityPolicy } from '../certificates/renewal-eligibility.ts';
import { ValidationError } from '../errors.ts';
import { readAccountCertificates } from '../listing/account-certificates.ts';
import { placeToPosition, positionToPlace, type SortOrder, sortedPage } from '../listing/sorted-page.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, SecretMac } from '../ports.ts';
import { type CertificateMetadata, certificateMetadata } from './certificate-metadata.ts';
import { type FilterStatement, matches, type SearchCandidate } from './filter-statement.ts';
import { type SearchSortBy, sortValue } from './sort-values.ts';
import { type X509Attributes, x509Attributes } from './x509-attributes.ts';

export interface SearchCertificatesQuery {
  /** Omitted: every certificate of the account. */
  filter?: FilterStatement;
  /** Omitted: CREATED_AT, so certificates added while a caller pages come last. */
  sortBy?: SearchSortBy;
  /** Omitted: ASCENDING. */
  sortOrder?: SortOrder;
  maxResults: number;
  nextToken?: string;
}

export interface SearchResult {
  arn: string;
  /** Undefined for a certificate without a body yet (a pending request). */
  x509?: X509Attributes;
  metadata: CertificateMetadata;
}

/**
 * SearchCertificates: reads every certificate of the account (bounded by its quota), evaluates the filter
 * statement on each, sorts the matches by (sort value, ARN) and returns the page after the NextToken's
 * position. Each certificate body is parsed at most once per request, and only if a filter or the sort
 * needs it (and then for the results).
 */
export async function searchCertificates(
  deps: { store: CertificateStore; mac: SecretMac; settings: { renewal: RenewalEligibilityPolicy } },
  accountId: string,
  query: SearchCertificatesQuery,
): Promise<{ results: SearchResult[]; nextToken?: string }> {
  const sortBy = query.sortBy ?? 'CREATED_AT';
  const order = query.sortOrder ?? 'ASCENDING';
  const binding = `SearchCertificates\n${JSON.stringify({ filter: query.filter ?? null, sortBy, order })}`;
  const position = query.nextToken
    ? await decodePageToken(deps.mac, accountId, binding, query.nextToken, invalidToken)
    : undefined;

  const policy = deps.settings.renewal;
  const candidates = (await readAccountCertificates(deps.store, accountId)).map((certificate) =>
    searchCandidate(certificate, policy),
  );
  const { filter } = query;
  const matching = filter ? candidates.filter((candidate) => matches(filter, candidate)) : candidates;
  const page = sortedPage(
    matching,
    (candidate) => ({ value: sortValue(sortBy, candidate), id: candidate.arn }),
    order,
    query.maxResults,
    position && positionToPlace(position, invalidToken),
  );
  return {
    results: page.items.map((candidate) => ({
      arn: candidate.arn,
      x509: candidate.x509(),
      metadata: candidate.metadata,
    })),
    nextToken: page.last && (await encodePageToken(deps.mac, accountId, binding, placeToPosition(page.last))),
  };
}

function searchCandidate(certificate: CertificateRecord, policy: RenewalEligibilityPolicy): SearchCandidate {
  let parsed: { attributes: X509Attributes | undefined } | undefined;
  return {
    arn: certificate.arn,
    metadata: certificateMetadata(certificate, policy),
    x509() {
      parsed ??= { attributes: x509Attributes(certificate) };
      return parsed.attributes;
    },
  };
}

/** SearchCertificates has no InvalidArgsException: a NextToken that is not the request's is a validation error. */
function invalidToken(): ValidationError {
  return new ValidationError('The NextToken is not valid for this request.');
}
