import { parseCertificateArn } from '../arn.ts';
import { ResourceNotFoundError } from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore } from '../ports.ts';

/**
 * The caller's certificate named by `arn`. Another account's or another region's ARN is reported exactly
 * like a missing one, so nobody learns what other accounts hold; so is an ARN that names the caller's
 * certificate in another partition (the store is keyed by account and id only, so the whole ARN is compared).
 */
export async function findCertificate(
  deps: { store: CertificateStore; region: string },
  callerAccountId: string,
  arn: string,
): Promise<CertificateRecord> {
  const parts = parseCertificateArn(arn);
  const certificate =
    parts.accountId === callerAccountId && parts.region === deps.region
      ? await deps.store.get(parts.accountId, parts.certificateId)
      : undefined;
  if (!certificate || certificate.arn !== arn)
    throw new ResourceNotFoundError(`Could not find certificate ${arn}.`);
  return certificate;
}
