import { ConcurrentModificationError } from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore } from '../ports.ts';

const MAX_ATTEMPTS = 8;

type Change = (current: CertificateRecord) => CertificateRecord | undefined;

/**
 * Read-modify-write with optimistic locking. `change` gets the stored certificate and returns the new one,
 * or undefined to leave it as it is. Re-reads and re-applies `change` when another writer came first.
 */
export function updateCertificate(
  store: CertificateStore,
  accountId: string,
  certificateId: string,
  change: Change,
): Promise<CertificateRecord | undefined> {
  return readModifyWrite(store, accountId, certificateId, change, 1);
}

/**
 * updateCertificate without its first read: `known` is the certificate as the caller just read or saved it.
 * The save is conditional on `known.version`, so it lands only if `known` is still the stored certificate,
 * as after a read. When it does not, or when `change` leaves `known` as it is, the stored certificate is
 * read and updateCertificate goes on from there (the first save counting as its first attempt).
 */
export async function updateKnownCertificate(
  store: CertificateStore,
  known: CertificateRecord,
  change: Change,
): Promise<CertificateRecord | undefined> {
  const next = change(known);
  if (!next) return readModifyWrite(store, known.accountId, known.id, change, 1);
  try {
    return await store.save({ ...next, version: known.version });
  } catch (error) {
    if (!(error instanceof ConcurrentModificationError)) throw error;
  }
  return readModifyWrite(store, known.accountId, known.id, change, 2);
}

async function readModifyWrite(
  store: CertificateStore,
  accountId: string,
  certificateId: string,
  change: Change,
  firstAttempt: number,
): Promise<CertificateRecord | undefined> {
  for (let attempt = firstAttempt; ; attempt++) {
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
