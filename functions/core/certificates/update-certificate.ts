import { ConcurrentModificationError } from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore } from '../ports.ts';

const MAX_ATTEMPTS = 8;

/**
 * Read-modify-write with optimistic locking. `change` gets the stored certificate and returns the new one,
 * or undefined to leave it as it is. Re-reads and re-applies `change` when another writer came first.
 */
export async function updateCertificate(
  store: CertificateStore,
  accountId: string,
  certificateId: string,
  change: (current: CertificateRecord) => CertificateRecord | undefined,
): Promise<CertificateRecord | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(accountId, certificateId);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return current;
    try {
      return await store.save({ ...next, version: current.version });
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
