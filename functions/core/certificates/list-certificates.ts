import { readAccountCertificates } from '../listing/account-certificates.ts';
import { type CertificateKeyPairOrigin, typesOfOrigins } from '../listing/key-pair-origins.ts';
import { placeToPosition, positionToPlace, type SortOrder, sortedPage } from '../listing/sorted-page.ts';
import type { CertificateRecord, CertificateStatus, CertificateType, KeyAlgorithm } from '../model.ts';
import type { CertificateListQuery, CertificateStore, SecretMac } from '../ports.ts';
import { decodePageToken, encodePageToken, invalidNextToken, type PagePosition } from './page-token.ts';

export interface ListCertificatesQuery {
  statuses?: CertificateStatus[];
  /** Omitted or empty: only RSA_2048 certificates, as ACM lists them unless the caller names key types. */
  keyTypes?: KeyAlgorithm[];
  /** KeyUsageName values: a certificate is listed when it has any of them. */
  keyUsages?: string[];
  /** ExtendedKeyUsageName values: a certificate is listed when it has any of them (NONE: it has none). */
  extendedKeyUsages?: string[];
  exportOption?: 'ENABLED' | 'DISABLED';
  /** Certwright has no CloudFront: no certificate is managed by it. */
  managedBy?: 'CLOUDFRONT';
  /** Omitted: AWS_MANAGED and CUSTOMER_PROVIDED, ACM's default (which hides ACME certificates). */
  keyPairOrigins?: CertificateKeyPairOrigin[];
  sort?: { by: 'CREATED_AT'; order: SortOrder };
  maxItems: number;
  nextToken?: string;
}

export interface CertificateListPage {
  certificates: CertificateRecord[];
  nextToken?: string;
}

const DEFAULT_KEY_TYPES: KeyAlgorithm[] = ['RSA_2048'];
const DEFAULT_ORIGINS: CertificateKeyPairOrigin[] = ['AWS_MANAGED', 'CUSTOMER_PROVIDED'];

/**
 * ListCertificates. Unsorted, it pages through the account's certificates in key order, filtered by the
 * store. Sorted by CREATED_AT there is no index in that order, so each page reads every matching
 * certificate of the account (bounded by its quota) and sorts them by (createdAt, id) in memory; the
 * NextToken carries the last (createdAt, id) returned.
 */
export async function listCertificates(
  deps: { store: CertificateStore; mac: SecretMac },
  accountId: string,
  query: ListCertificatesQuery,
): Promise<CertificateListPage> {
  const filter = storeFilter(query);
  const binding = `ListCertificates\n${JSON.stringify({ ...filter, sort: query.sort ?? null })}`;
  const position = query.nextToken
    ? await decodePageToken(deps.mac, accountId, binding, query.nextToken)
    : undefined;
  if (!filter) return { certificates: [] };
  const token = (next: PagePosition | undefined) =>
    next ? encodePageToken(deps.mac, accountId, binding, next) : undefined;

  if (!query.sort) {
    const page = await deps.store.list(accountId, { ...filter, limit: query.maxItems, startKey: position });
    return { certificates: page.certificates, nextToken: await token(page.nextKey) };
  }
  const matching = await readAccountCertificates(deps.store, accountId, filter);
  const page = sortedPage(
    matching,
    (certificate) => ({ value: certificate.createdAt, id: certificate.id }),
    query.sort.order,
    query.maxItems,
    position && positionToPlace(position, invalidNextToken),
  );
  return { certificates: page.items, nextToken: await token(page.last && placeToPosition(page.last)) };
}

/**
 * The store's filters for the query, with ACM's defaults and duplicates removed (so equal filters bind
 * equal page tokens); undefined when no certificate can match.
 */
function storeFilter(query: ListCertificatesQuery): Omit<CertificateListQuery, 'limit'> | undefined {
  const origins = query.keyPairOrigins?.length ? query.keyPairOrigins : DEFAULT_ORIGINS;
  let types: CertificateType[] = typesOfOrigins(origins);
  // Only a requested certificate has an Export option; an import shows none.
  if (query.exportOption) types = types.filter((type) => type === 'AMAZON_ISSUED');
  if (types.length === 0 || query.managedBy) return undefined;
  return {
    statuses: canonical(query.statuses),
    keyAlgorithms: canonical(query.keyTypes?.length ? query.keyTypes : DEFAULT_KEY_TYPES),
    // Both types is no restriction at all.
    types: types.includes('AMAZON_ISSUED') && types.includes('IMPORTED') ? undefined : types,
    keyUsages: canonical(query.keyUsages),
    extendedKeyUsages: canonical(query.extendedKeyUsages),
    exportOption: query.exportOption,
  };
}

function canonical<T extends string>(values: readonly T[] | undefined): T[] | undefined {
  return values?.length ? [...new Set(values)].sort() : undefined;
}
