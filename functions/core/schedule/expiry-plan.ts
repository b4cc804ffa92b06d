/**
 * When an ISSUED certificate's expiry notices and managed renewal fall due, as pure functions of the
 * certificate and the time: what is due at a visit, and when the next visit must be.
 */
import { renewalEligibility } from '../certificates/renewal-eligibility.ts';
import { DAY_MS, daysToExpiry } from '../events/certificate-events.ts';
import type { CertificateRecord, IssuedCertificate, RenewalState } from '../model.ts';
import { renewalInProgress, renewalStalled } from '../renewal/renewal-state.ts';
import type { RenewalSettings } from '../settings.ts';

/** Days to expiry at which `Renewal Action Required` goes out while a renewal needs action (once each). */
export const ACTION_REQUIRED_THRESHOLDS = [45, 30, 15, 7, 3, 1] as const;

/** The UTC day of `at`, as ExpiryNotices.approachingSentOn records it. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * A FAILED renewal is tried again (as a new cycle) from the UTC day after the one it failed on. Days, not
 * 24 hours: a schedule that runs once a day (AWS's default rate(1 day)) runs a little less than 24 hours
 * after a failure recorded minutes after its run, and must retry then, not a day later.
 */
export function failedRenewalRetryDue(failed: RenewalState, now: Date): boolean {
  return utcDate(now) > utcDate(new Date(failed.updatedAt));
}

function startOfNextUtcDay(at: Date): number {
  const next = new Date(at);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime();
}

/** `Approaching Expiration` events start DaysBeforeExpiry days before NotAfter. */
export function approachingFrom(issued: IssuedCertificate, daysBeforeExpiry: number): number {
  return Date.parse(issued.notAfter) - daysBeforeExpiry * DAY_MS;
}

/** Today's `Approaching Expiration` event has yet to go out. */
export function approachingDue(certificate: CertificateRecord, now: Date, daysBeforeExpiry: number): boolean {
  const { issued } = certificate;
  if (!issued || now.getTime() < approachingFrom(issued, daysBeforeExpiry)) return false;
  return certificate.expiryNotices?.approachingSentOn !== utcDate(now);
}

/**
 * Managed renewal of a body starts windowDays before its NotAfter, but never in the first half of its
 * validity: with a validity shorter than the window, a renewed body would otherwise be renewed again at once.
 */
export function renewalStartsAt(issued: IssuedCertificate, windowDays: number): number {
  const notBefore = Date.parse(issued.notBefore);
  const notAfter = Date.parse(issued.notAfter);
  return Math.max(notAfter - windowDays * DAY_MS, notBefore + (notAfter - notBefore) / 2);
}

/**
 * The renewal of the current body, if one started. A SUCCESS belongs to the renewal that produced this body
 * (it replaced the one before), so it is not this body's.
 */
export function renewalOfThisBody(certificate: CertificateRecord): RenewalState | undefined {
  return certificate.renewal?.status === 'SUCCESS' ? undefined : certificate.renewal;
}

/** The renewal cannot finish without the owner: its names do not validate, it failed, or it stalled. */
export function renewalNeedsAction(certificate: CertificateRecord, now: Date): boolean {
  const status = renewalOfThisBody(certificate)?.status;
  return status === 'PENDING_VALIDATION' || status === 'FAILED' || renewalStalled(certificate, now);
}

/**
 * What the schedule does about renewal at a visit: START a new cycle (eligible, in the window, and no
 * renewal under way, a failed one from an earlier UTC day, or a stalled one, which counts as failed), RESUME
 * the run of a renewal under way (starting is idempotent by name; a local run lost in a restart goes on this
 * way, and so does a stalled one that may not be replaced), or nothing. A START of a stalled renewal needs
 * startRenewal's `restartStalled`.
 */
export function renewalStep(
  certificate: CertificateRecord,
  now: Date,
  settings: Pick<RenewalSettings, 'windowDays' | 'renewAllIssued'>,
): 'START' | 'RESUME' | undefined {
  const { issued } = certificate;
  if (certificate.type !== 'AMAZON_ISSUED' || certificate.status !== 'ISSUED' || !issued) return undefined;
  const underWay = renewalInProgress(certificate);
  if (underWay && !renewalStalled(certificate, now)) return 'RESUME';
  const thisBody = renewalOfThisBody(certificate);
  const startable =
    renewalEligibility(certificate, settings) === 'ELIGIBLE' &&
    now.getTime() >= renewalStartsAt(issued, settings.windowDays) &&
    !(thisBody?.status === 'FAILED' && !failedRenewalRetryDue(thisBody, now));
  if (startable) return 'START';
  return underWay ? 'RESUME' : undefined;
}

/**
 * The `Renewal Action Required` thresholds reached and not yet sent for this body, while its renewal needs
 * action. Several reached at once (the renewal got stuck after the 45-day mark) make one notice.
 */
export function actionRequiredDue(certificate: CertificateRecord, now: Date): number[] {
  const { issued } = certificate;
  if (certificate.type !== 'AMAZON_ISSUED' || !issued || !renewalNeedsAction(certificate, now)) return [];
  const days = daysToExpiry(issued, now);
  const sent = certificate.expiryNotices?.actionRequiredSent ?? [];
  return ACTION_REQUIRED_THRESHOLDS.filter((threshold) => days <= threshold && !sent.includes(threshold));
}

/**
 * When the schedule must next look at the certificate, after a visit at `now` that left it as given: the
 * next UTC day while Approaching Expiration events go out (or the day they start); the start of renewal (or,
 * in the window but not eligible, the next day, to look at eligibility again); while this body's renewal is
 * under way or failed, the next UTC day (to retry a failure, resume a run lost in a restart, or notice one
 * that stalled) or the next action-required threshold if sooner; NotAfter at the latest.
 * Always later than `now`, unless NotAfter is not: then NotAfter, where the next run expires it.
 */
export function nextVisit(
  certificate: CertificateRecord,
  now: Date,
  daysBeforeExpiry: number,
  renewal: Pick<RenewalSettings, 'windowDays'> | undefined,
): Date {
  const issued = certificate.issued;
  if (!issued) throw new Error(`Certificate ${certificate.arn} has not been issued; it has no visits`);
  const at = now.getTime();
  const notAfter = Date.parse(issued.notAfter);
  const tomorrow = startOfNextUtcDay(now);
  const candidates = [notAfter];
  const approaching = approachingFrom(issued, daysBeforeExpiry);
  candidates.push(at < approaching ? approaching : tomorrow);
  if (renewal && certificate.type === 'AMAZON_ISSUED') {
    const thisBody = renewalOfThisBody(certificate);
    if (!thisBody) {
      const startsAt = renewalStartsAt(issued, renewal.windowDays);
      candidates.push(at < startsAt ? startsAt : tomorrow);
    } else {
      candidates.push(tomorrow);
      const sent = certificate.expiryNotices?.actionRequiredSent ?? [];
      const nextThreshold = ACTION_REQUIRED_THRESHOLDS.map((days) => ({
        days,
        at: notAfter - days * DAY_MS,
      })).find((threshold) => threshold.at > at && !sent.includes(threshold.days));
      if (nextThreshold) candidates.push(nextThreshold.at);
    }
  }
  if (notAfter <= at) return new Date(notAfter);
  return new Date(Math.min(...candidates.filter((candidate) => candidate > at)));
}
