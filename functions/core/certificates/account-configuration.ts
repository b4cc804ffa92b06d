import { ValidationError } from '../errors.ts';
import type { AccountConfiguration, CertificateStore, Clock } from '../ports.ts';

/** ACM's default: expiry events start 45 days before a certificate expires. */
export const DEFAULT_ACCOUNT_CONFIGURATION: AccountConfiguration = { expiryEvents: { daysBeforeExpiry: 45 } };

/** DaysBeforeExpiry's range: at least 1 (ACM's model), at most 45 (CloudFormation's documented range). */
export const DAYS_BEFORE_EXPIRY = { min: 1, max: 45 } as const;

/** The account's configuration, or ACM's default for an account that never put one. */
export async function getAccountConfiguration(
  store: CertificateStore,
  accountId: string,
): Promise<AccountConfiguration> {
  return (await store.getAccountConfiguration(accountId)) ?? DEFAULT_ACCOUNT_CONFIGURATION;
}

/** As ACM: an idempotency token stands for one request for an hour. */
export const CONFIGURATION_TOKEN_WINDOW_SECONDS = 60 * 60;

/**
 * Replaces the account's configuration. `daysBeforeExpiry` undefined means the request carried no expiry
 * events setting, which ACM refuses: there is nothing else to configure. A token the account used within
 * the last hour marks a repeat of that request, which changes nothing (ACM returns the original result).
 */
export async function putAccountConfiguration(
  deps: { store: CertificateStore; clock: Clock },
  accountId: string,
  request: { idempotencyToken: string; daysBeforeExpiry: number | undefined },
): Promise<void> {
  const { daysBeforeExpiry } = request;
  if (daysBeforeExpiry === undefined) throw new ValidationError('Configuration for events is empty.');
  await deps.store.putAccountConfiguration(
    accountId,
    { expiryEvents: { daysBeforeExpiry } },
    {
      idempotencyToken: request.idempotencyToken,
      now: deps.clock.now(),
      windowSeconds: CONFIGURATION_TOKEN_WINDOW_SECONDS,
    },
  );
}
