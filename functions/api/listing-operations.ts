import { listCertificates } from '../core/certificates/list-certificates.ts';
import { checkLength, constraintViolation } from '../core/constraint-violation.ts';
import { ValidationError } from '../core/errors.ts';
import { EXTENDED_KEY_USAGE_NAMES, KEY_ALGORITHMS, KEY_USAGE_NAMES } from '../core/listing/acm-names.ts';
import { CERTIFICATE_KEY_PAIR_ORIGINS } from '../core/listing/key-pair-origins.ts';
import { CERTIFICATE_STATUSES } from '../core/model.ts';
import { parseFilterStatement } from '../core/search/parse-filter-statement.ts';
import { searchCertificates } from '../core/search/search-certificates.ts';
import { SEARCH_SORT_BY } from '../core/search/sort-values.ts';
import type { Operation } from './api-services.ts';
import { certificateSearchResult, certificateSummary } from './certificate-shapes.ts';
import {
  enumList,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  type WireInput,
} from './wire-input.ts';

const SORT_ORDERS = ['ASCENDING', 'DESCENDING'] as const;
const ENABLED_DISABLED = ['ENABLED', 'DISABLED'] as const;
const MANAGED_BY = ['CLOUDFRONT'] as const;

const listCertificatesOperation: Operation = async (services, accountId, input) => {
  const includes = optionalObject(input, 'Includes') ?? {};
  const page = await listCertificates(services, accountId, {
    statuses: enumList(
      optionalStringList(input, 'CertificateStatuses'),
      'certificateStatuses',
      CERTIFICATE_STATUSES,
    ),
    keyPairOrigins: keyPairOrigins(input),
    keyTypes: enumList(optionalStringList(includes, 'keyTypes'), 'includes.keyTypes', KEY_ALGORITHMS),
    keyUsages: enumList(optionalStringList(includes, 'keyUsage'), 'includes.keyUsage', KEY_USAGE_NAMES),
    extendedKeyUsages: enumList(
      optionalStringList(includes, 'extendedKeyUsage'),
      'includes.extendedKeyUsage',
      EXTENDED_KEY_USAGE_NAMES,
    ),
    exportOption: optionalEnum(includes, 'exportOption', 'includes.exportOption', ENABLED_DISABLED),
    managedBy: optionalEnum(includes, 'managedBy', 'includes.managedBy', MANAGED_BY),
    sort: listSort(input),
    maxItems: optionalInteger(input, 'MaxItems', 'maxItems', { min: 1, max: 1000 }) ?? 1000,
    nextToken: nextTokenMember(input),
  });
  return {
    CertificateSummaryList: page.certificates.map((certificate) =>
      certificateSummary(certificate, services.settings.renewal),
    ),
    NextToken: page.nextToken,
  };
};

function keyPairOrigins(input: WireInput) {
  const origins = optionalStringList(input, 'CertificateKeyPairOrigins');
  if (origins) checkLength(origins, 'certificateKeyPairOrigins', 1, 3);
  return enumList(origins, 'certificateKeyPairOrigins', CERTIFICATE_KEY_PAIR_ORIGINS);
}

/** ListCertificates' SortBy and SortOrder: each requires the other. */
function listSort(input: WireInput) {
  const by = optionalEnum(input, 'SortBy', 'sortBy', ['CREATED_AT'] as const);
  const order = optionalEnum(input, 'SortOrder', 'sortOrder', SORT_ORDERS);
  if (by && order) return { by, order };
  if (by || order) {
    throw new ValidationError('SortBy and SortOrder must be specified together: give both or neither.');
  }
  return undefined;
}

const NEXT_TOKEN_PATTERN = '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]*';

function nextTokenMember(input: WireInput): string | undefined {
  const token = optionalString(input, 'NextToken');
  if (token === undefined) return undefined;
  checkLength(token, 'nextToken', 1, 10000);
  if (!new RegExp(`^${NEXT_TOKEN_PATTERN}$`).test(token)) {
    throw constraintViolation(
      token,
      'nextToken',
      `Member must satisfy regular expression pattern: ${NEXT_TOKEN_PATTERN}`,
    );
  }
  return token;
}

const searchCertificatesOperation: Operation = async (services, accountId, input) => {
  const statement = input.FilterStatement;
  const found = await searchCertificates(services, accountId, {
    filter: statement === undefined || statement === null ? undefined : parseFilterStatement(statement),
    sortBy: optionalEnum(input, 'SortBy', 'sortBy', SEARCH_SORT_BY),
    sortOrder: optionalEnum(input, 'SortOrder', 'sortOrder', SORT_ORDERS),
    maxResults: optionalInteger(input, 'MaxResults', 'maxResults', { min: 1, max: 500 }) ?? 100,
    nextToken: nextTokenMember(input),
  });
  return { Results: found.results.map(certificateSearchResult), NextToken: found.nextToken };
};

/** ListCertificates and SearchCertificates, by X-Amz-Target name. */
export const LISTING_OPERATIONS: Record<string, Operation> = {
  ListCertificates: listCertificatesOperation,
  SearchCertificates: searchCertificatesOperation,
};
