import type { CertificateRecord, CertificateStatus, KeyAlgorithm } from '../model.ts';
import type { CertificateStore, SecretMac } from '../ports.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';

export interface ListCertificatesQuery {
  statuses?: CertificateStatus[];
  /** Omitted or empty: only RSA_2048 certificates, as ACM lists them unless the caller names key types. */
  keyTypes?: KeyAlgorithm[];
  maxItems: number;
  nextToken?: string;
}

const DEFAULT_KEY_TYPES: KeyAlgorithm[] = ['RSA_2048'];

export async function listCertificates(
  deps: { store: CertificateStore; mac: SecretMac },
  accountId: string,
  query: ListCertificatesQuery,
): Promise<{ certificates: CertificateRecord[]; nextToken?: string }> {
  const keyTypes = query.keyTypes && query.keyTypes.length > 0 ? query.keyTypes : DEFAULT_KEY_TYPES;
  const filter = JSON.stringify([query.statuses ?? [], keyTypes]);
  const startKey = query.nextToken
    ? await decodePageToken(deps.mac, accountId, filter, query.nextToken)
    : undefined;
  const page = await deps.store.list(accountId, {
    statuses: query.statuses,
    keyAlgorithms: keyTypes,
    limit: query.maxItems,
    startKey,
  });
  const nextToken = page.nextKey
    ? await encodePageToken(deps.mac, accountId, filter, page.nextKey)
    : undefined;
  return { certificates: page.certificates, nextToken };
}
