import { parseCertificateArn } from '../core/arn.ts';
import { constraintViolation } from '../core/constraint-violation.ts';
import { REVOCATION_REASONS } from '../core/model.ts';
import { revokeCertificate } from '../core/revocation/revoke-certificate.ts';
import type { Operation } from './api-services.ts';
import { optionalEnum, requiredString } from './wire-input.ts';

/** RevokeCertificate: CertificateArn and RevocationReason, both required; answers the ARN. */
const revokeCertificateOperation: Operation = async (services, accountId, input) => {
  const arn = requiredString(input, 'CertificateArn', 'certificateArn');
  const reason = optionalEnum(input, 'RevocationReason', 'revocationReason', REVOCATION_REASONS);
  if (reason === undefined) throw constraintViolation(null, 'revocationReason', 'Member must not be null');
  // The member's wire constraints and ARN form come before the reason's meaning, as in ACM.
  parseCertificateArn(arn);
  const { certificateArn, crlRefreshError } = await revokeCertificate(
    {
      store: services.store,
      region: services.settings.region,
      revocations: services.revocations,
      events: services.events,
      crlRefresh: services.crlRefresh,
      clock: services.clock,
    },
    accountId,
    arn,
    reason,
  );
  if (crlRefreshError !== undefined) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        message: 'Revoked; the CRL refresh request failed, the scheduled CRL will list it',
        certificateArn,
        error: String(crlRefreshError),
      }),
    );
  }
  return { CertificateArn: certificateArn };
};

/** RevokeCertificate, by X-Amz-Target name. */
export const REVOCATION_OPERATIONS: Record<string, Operation> = {
  RevokeCertificate: revokeCertificateOperation,
};
