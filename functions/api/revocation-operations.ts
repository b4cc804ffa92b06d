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
  const { certificateArn } = await revokeCertificate(
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
  return { CertificateArn: certificateArn };
};

/** RevokeCertificate, by X-Amz-Target name. */
export const REVOCATION_OPERATIONS: Record<string, Operation> = {
  RevokeCertificate: revokeCertificateOperation,
};
