import {
  type ClientError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, Clock } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';
import { type RenewalEligibilityPolicy, renewalEligibility } from './renewal-eligibility.ts';
import { updateCertificate } from './update-certificate.ts';

/** Without the deployment's renewal policy: ACM's own rule (in use or exported). */
const ACM_ELIGIBILITY: RenewalEligibilityPolicy = { renewAllIssued: false };

/**
 * RenewCertificate: asks for a managed renewal of an eligible certificate now. It records the request as
 * RenewalSummary PENDING_AUTO_RENEWAL, which the renewal runner picks up; the renewal itself (a new key and
 * serial under the same ARN) happens there. Asking again while a renewal is pending or under way changes
 * nothing.
 */
export async function renewCertificate(
  deps: { store: CertificateStore; region: string; clock: Clock; renewal?: RenewalEligibilityPolicy },
  accountId: string,
  arn: string,
): Promise<void> {
  const certificate = await findCertificate(deps, accountId, arn);
  const policy = deps.renewal ?? ACM_ELIGIBILITY;
  const refusal = renewalRefusal(certificate, policy);
  if (refusal) throw refusal;
  const saved = await updateCertificate(deps.store, accountId, certificate.id, (current) => {
    const lateRefusal = renewalRefusal(current, policy);
    if (lateRefusal) throw lateRefusal;
    if (
      current.renewal?.status === 'PENDING_AUTO_RENEWAL' ||
      current.renewal?.status === 'PENDING_VALIDATION'
    ) {
      return undefined;
    }
    return {
      ...current,
      renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: deps.clock.now().toISOString() },
    };
  });
  if (!saved) throw new ResourceNotFoundError(`Could not find certificate ${arn}.`);
}

/** Why this certificate cannot be renewed, or undefined when it can. */
function renewalRefusal(
  certificate: CertificateRecord,
  policy: RenewalEligibilityPolicy,
): ClientError | undefined {
  const { arn, status } = certificate;
  if (certificate.type === 'IMPORTED') {
    return new ValidationError(
      `Certificate ${arn} is imported and cannot be renewed by the service; import its renewed certificate with ImportCertificate and this ARN.`,
    );
  }
  if (status === 'PENDING_VALIDATION') {
    return new RequestInProgressError(`Certificate ${arn} has not been issued yet; its status is ${status}.`);
  }
  if (status !== 'ISSUED')
    return new ValidationError(`Certificate ${arn} cannot be renewed: ${notIssuedReason(certificate)}`);
  if (renewalEligibility(certificate, policy) === 'INELIGIBLE') {
    const remedy =
      certificate.options.export === 'ENABLED'
        ? 'export it (ExportCertificate) to make it eligible'
        : 'it was requested with Export DISABLED, so only use by another resource would make it eligible';
    return new ValidationError(
      `Certificate ${arn} is not eligible for renewal: it is neither exported nor in use; ${remedy}.`,
    );
  }
  return undefined;
}

function notIssuedReason(certificate: CertificateRecord): string {
  switch (certificate.status) {
    case 'EXPIRED':
      return 'it has expired; request a new certificate.';
    case 'REVOKED':
      return 'it is revoked, and revocation is permanent; request a new certificate.';
    case 'FAILED':
    case 'VALIDATION_TIMED_OUT':
      return `it was never issued (its status is ${certificate.status}); request a new certificate.`;
    default:
      return `its status is ${certificate.status}.`;
  }
}
