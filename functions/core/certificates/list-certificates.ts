import type { CertificateRecord, CertificateStatus, KeyAlgorithm } from '../model.ts';
import type { CertificateStore, SecretMac } from '../ports.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';

export interface ListCertificatesQuery {
  statuses?: CertificateStatus[];
  /** ACM lists only RSA_2048 certificates unless the caller names other key types. */
  keyTypes: KeyAlgorithm[];
  maxItems: number;
  nextToken?: string;
}

export async function listCertificates(
  deps: { store: CertificateStore; mac: SecretMac },
  accountId: string,
  query: ListCertificatesQuery,
): Promise<{ certificates: CertificateRecord[]; nextToken?: string }> {
  const filter = JSON.stringify([query.statuses ?? [], query.keyTypes]);
  const startKey = query.nextToken
    ? await decodePageToken(deps.mac, accountId, filter, query.nextToken)
    : undefined;
  const page = await deps.store.list(accountId, {
    statuses: query.statuses,
    keyAlgorithms: query.keyTypes,
    limit: query.maxItems,
    startKey,
  });
  const nextToken = page.nextKey
    ? await encodePageToken(deps.mac, accountId, filter, page.nextKey)
    : undefined;
  return { certificates: page.certificates, nextToken };
}
