import { LimitExceededError } from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, QuotaReservation } from '../ports.ts';
import type { Quotas } from '../settings.ts';
import { requestWindow } from './request-window.ts';

/**
 * Reserves one certificate and one request of the account's quotas for a certificate about to be written,
 * or refuses with LimitExceededException: the certificates it holds in every status, and the requests it
 * made in the last 365 days (deleted certificates included).
 */
export async function reserveRequestQuota(
  store: CertificateStore,
  accountId: string,
  now: Date,
  quotas: Quotas,
): Promise<QuotaReservation> {
  const outcome = await store.reserveQuota(accountId, requestWindow(now), {
    certificates: quotas.certificatesPerAccount,
    requests: quotas.requestsPerYear,
  });
  if (outcome.granted) return outcome.reservation;
  throw new LimitExceededError(
    outcome.exceeded === 'CERTIFICATES'
      ? `Error: you have reached your limit of ${quotas.certificatesPerAccount} certificates in this account. Delete certificates you no longer need to request more.`
      : `Error: you have reached your limit of ${quotas.requestsPerYear} certificates in the last year.`,
  );
}

/**
 * Reserves the account's quotas, then writes the certificate, and answers whether this call wrote it. A
 * reservation whose certificate was not written (another call wrote that ARN first, or the write failed)
 * is given back, so each certificate written is counted once and nothing else is.
 */
export async function createWithinQuota(
  store: CertificateStore,
  quotas: Quotas,
  certificate: CertificateRecord,
  now: Date,
): Promise<boolean> {
  const { accountId } = certificate;
  const reservation = await reserveRequestQuota(store, accountId, now, quotas);
  let written: boolean;
  try {
    written = await store.create(certificate);
  } catch (error) {
    // A write that failed may still have landed: the slot goes back only when the certificate is surely absent.
    const stored = await store.get(accountId, certificate.id).catch(() => certificate);
    if (!stored) await store.releaseQuota(accountId, reservation).catch(() => {});
    throw error;
  }
  if (!written) await store.releaseQuota(accountId, reservation);
  return written;
}
