import type { CertificateRecord } from '../model.ts';
import type { CertificateListQuery, CertificateStore, StorePageKey } from '../ports.ts';

/** The store's largest page: one query round per thousand certificates. */
const READ_PAGE_SIZE = 1000;

/**
 * Every certificate of the account that passes `filter`, read page by page. An account holds at most its
 * certificate quota (100 by default, ACM's is 2,500), so this is a bounded read; its cost is one read of
 * each of the account's certificates, whatever the page size asked for.
 */
export async function readAccountCertificates(
  store: CertificateStore,
  accountId: string,
  filter: Omit<CertificateListQuery, 'limit' | 'startKey'> = {},
): Promise<CertificateRecord[]> {
  const certificates: CertificateRecord[] = [];
  let startKey: StorePageKey | undefined;
  do {
    const page = await store.list(accountId, { ...filter, limit: READ_PAGE_SIZE, startKey });
    certificates.push(...page.certificates);
    startKey = page.nextKey;
  } while (startKey);
  return certificates;
}
