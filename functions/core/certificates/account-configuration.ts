import { ValidationError } from '../errors.ts';
import type { AccountConfiguration, CertificateStore } from '../ports.ts';

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

/**
 * Replaces the account's configuration. `daysBeforeExpiry` undefined means the request carried no expiry
 * events setting, which ACM refuses: there is nothing else to configure.
 */
export async function putAccountConfiguration(
  store: CertificateStore,
  accountId: string,
  daysBeforeExpiry: number | undefined,
): Promise<void> {
  if (daysBeforeExpiry === undefined) throw new ValidationError('Configuration for events is empty.');
  await store.putAccountConfiguration(accountId, { expiryEvents: { daysBeforeExpiry } });
}
