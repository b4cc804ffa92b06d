import { LimitExceededError } from '../errors.ts';
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
