import { DAY_MS } from '../events/certificate-events.ts';
import type { CertificateRecord } from '../model.ts';

/** ACM's RenewalStatusReason while a renewal waits for its names to be validated again. */
export const PENDING_DOMAIN_VALIDATION = 'PENDING_DOMAIN_VALIDATION';

/** A renewal is under way (started, or waiting for its names to validate again). */
export function renewalInProgress(certificate: CertificateRecord): boolean {
  const status = certificate.renewal?.status;
  return status === 'PENDING_AUTO_RENEWAL' || status === 'PENDING_VALIDATION';
}

/** How long a renewal under way may go without a sign of its run before it counts as stalled. */
export const RENEWAL_STALL_MS = DAY_MS;

/**
 * A renewal under way whose run has stopped without recording an end (an AWS execution that closed early,
 * a local run lost while its workflow could not be resumed): still PENDING_AUTO_RENEWAL a day after it
 * started with no check planned since, or PENDING_VALIDATION with its latest planned check (every check of a
 * DNS name plans the next, at most an hour on) more than a day past. A renewal waiting only for EMAIL
 * approvals plans no checks on its names, so it is never judged stalled. A stalled renewal counts as failed:
 * it needs the owner's action, and a new cycle may replace it (startRenewal's `restartStalled`).
 */
export function renewalStalled(certificate: CertificateRecord, now: Date): boolean {
  const { renewal } = certificate;
  if (!renewal || !renewalInProgress(certificate)) return false;
  const plannedChecks = (renewal.domainValidations ?? []).flatMap((dv) =>
    dv.lastCheck?.nextCheckAt ? [Date.parse(dv.lastCheck.nextCheckAt)] : [],
  );
  if (renewal.status === 'PENDING_AUTO_RENEWAL') plannedChecks.push(Date.parse(renewal.updatedAt));
  if (plannedChecks.length === 0) return false;
  return now.getTime() - Math.max(...plannedChecks) > RENEWAL_STALL_MS;
}

/**
 * The certificate with a renewal still under way ended as FAILED, reason OTHER, for the write that moves it
 * to EXPIRED or REVOKED: that renewal can no longer finish (its run stops at the status), and RenewalSummary
 * must not show it pending forever. ACM's FailureReason has no value for "expired or revoked first", hence
 * OTHER. A renewal that already ended is left as it is.
 */
export function withRenewalEnded(certificate: CertificateRecord, at: Date): CertificateRecord {
  const { renewal } = certificate;
  if (!renewal || !renewalInProgress(certificate)) return certificate;
  return {
    ...certificate,
    renewal: { ...renewal, status: 'FAILED', statusReason: 'OTHER', updatedAt: at.toISOString() },
  };
}
