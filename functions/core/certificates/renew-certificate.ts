import {
  type ClientError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, Clock, WorkflowStarter } from '../ports.ts';
import { startRenewal } from '../renewal/start-renewal.ts';
import { findCertificate } from './find-certificate.ts';
import { type RenewalEligibilityPolicy, renewalEligibility } from './renewal-eligibility.ts';

export interface RenewCertificateDeps {
  store: CertificateStore;
  workflow: WorkflowStarter;
  region: string;
  clock: Clock;
  /** The deployment's eligibility policy (settings.renewal). */
  renewal: RenewalEligibilityPolicy;
}

/**
 * RenewCertificate: renews an eligible certificate now. It starts a managed renewal (RenewalSummary
 * PENDING_AUTO_RENEWAL, every name to validate again) and its run, which validates the names as at issuance
 * and, once they are, replaces the body (new key and serial, same ARN; RenewalSummary SUCCESS). Asking while
 * a renewal is under way starts no second one (its run is started again, which changes nothing while it
 * runs); asking after a finished one starts the next.
 */
export async function renewCertificate(
  deps: RenewCertificateDeps,
  accountId: string,
  arn: string,
): Promise<void> {
  const certificate = await findCertificate(deps, accountId, arn);
  const policy = deps.renewal;
  const refusal = renewalRefusal(certificate, policy);
  if (refusal) throw refusal;
  // A renewal whose run died (stalled) is replaced by a new cycle: asking for a renewal is how to rescue it.
  if (await startRenewal(deps, accountId, certificate.id, { restartStalled: true })) return;
  // It changed between the read and the start: answer as for what it is now.
  const current = await deps.store.get(accountId, certificate.id);
  if (!current) throw new ResourceNotFoundError(`Could not find certificate ${arn}.`);
  throw (
    renewalRefusal(current, policy) ??
    new RequestInProgressError(`Certificate ${arn} is being changed; try again.`)
  );
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
