/**
 * The expiry notices of one visit, claimed before they are sent.
 *
 * `Approaching Expiration` (once a UTC day) and `Renewal Action Required` (once per threshold and body, as
 * an event and as mail) are first recorded on the certificate in the same conditional write that sets its
 * next visit, and sent only by the visit whose write recorded them. So two runs at once, or a run repeated,
 * send each notice once: the second finds it recorded. If publishing the events fails, the claim is given
 * back (and the certificate made due again), so the next run sends them. Once the events are out the claim
 * stands: a mail that then fails is logged and not sent again (the next threshold's notice follows), so a
 * mail service that is down never makes the events repeat. Only a process that dies between the claim and
 * the publish loses the notices: for a daily event the next day's follows, and an action-required notice is
 * followed by the next threshold's. This is the opposite choice to the Expired event (published first, at
 * least once), because these notices repeat by design and a duplicate is the costlier mistake.
 */
import { updateCertificate } from '../certificates/update-certificate.ts';
import { approachingExpirationEvent, renewalActionRequiredEvent } from '../events/expiry-notice-events.ts';
import type { CertificateRecord, ExpiryNotices } from '../model.ts';
import type { CertificateEvent, CertificateStore, EventPublisher, Mailer } from '../ports.ts';
import type { RenewalSettings } from '../settings.ts';
import { approachingDue, nextVisit, utcDate } from './expiry-plan.ts';
import { renewalNoticeMail } from './renewal-notice-mail.ts';

export interface VisitPlan {
  daysBeforeExpiry: number;
  /** Action-required thresholds found due on the certificate as the visit read it. */
  actionRequired: number[];
  /** Managed renewal's settings; without them no renewal visits are planned. */
  renewal?: RenewalSettings;
}

/** What one visit's write recorded: the notices it must now send. */
export interface NoticeClaim {
  /** The certificate as written with the claim. */
  certificate: CertificateRecord;
  approaching: boolean;
  actionRequired: number[];
  /** What the claim replaced, to give it back. */
  replaced: Pick<CertificateRecord, 'expiryNotices' | 'scheduledWorkAt'>;
}

/**
 * Records the notices due now and the next visit on the certificate, if it still has the body visited.
 * Answers the notices this write claimed (none when another run recorded them first).
 */
export async function recordVisit(
  store: CertificateStore,
  visited: CertificateRecord,
  now: Date,
  plan: VisitPlan,
): Promise<NoticeClaim> {
  let claim: NoticeClaim = { certificate: visited, approaching: false, actionRequired: [], replaced: {} };
  const serialHex = visited.issued?.serialHex;
  const saved = await updateCertificate(store, visited.accountId, visited.id, (current) => {
    claim = { certificate: current, approaching: false, actionRequired: [], replaced: {} };
    if (current.status !== 'ISSUED' || current.issued?.serialHex !== serialHex) return undefined;
    const sent = current.expiryNotices?.actionRequiredSent ?? [];
    const approaching = approachingDue(current, now, plan.daysBeforeExpiry);
    const actionRequired = plan.actionRequired.filter((threshold) => !sent.includes(threshold));
    const expiryNotices: ExpiryNotices = {
      ...current.expiryNotices,
      ...(approaching ? { approachingSentOn: utcDate(now) } : {}),
      ...(actionRequired.length > 0
        ? { actionRequiredSent: [...sent, ...actionRequired].sort((a, b) => b - a) }
        : {}),
    };
    const next = { ...current, expiryNotices };
    const scheduledWorkAt = nextVisit(next, now, plan.daysBeforeExpiry, plan.renewal).toISOString();
    if (!approaching && actionRequired.length === 0 && scheduledWorkAt === current.scheduledWorkAt) {
      return undefined;
    }
    claim = {
      certificate: current,
      approaching,
      actionRequired,
      replaced: { expiryNotices: current.expiryNotices, scheduledWorkAt: current.scheduledWorkAt },
    };
    return { ...next, scheduledWorkAt };
  });
  return saved ? { ...claim, certificate: saved } : claim;
}

export interface NoticeDeps {
  store: CertificateStore;
  events: EventPublisher;
  /** Where Renewal Action Required is mailed too; no mail without it. */
  mail?: { mailer: Mailer; to: string[] };
  /** Where a mail that failed is reported. */
  log: (entry: Record<string, unknown>) => void;
}

/**
 * Sends what the claim recorded. When the events cannot be published, gives the claim back and throws; a
 * mail that fails after them is logged (without credentials a URL in the error may carry) and not retried.
 */
export async function sendClaimedNotices(deps: NoticeDeps, claim: NoticeClaim, now: Date): Promise<void> {
  const { certificate } = claim;
  const events: CertificateEvent[] = [];
  if (claim.approaching) events.push(approachingExpirationEvent(certificate, now));
  if (claim.actionRequired.length > 0) events.push(renewalActionRequiredEvent(certificate, now));
  if (events.length === 0) return;
  try {
    await deps.events.publish(events);
  } catch (error) {
    await releaseClaim(deps.store, claim, now).catch(() => {
      // The claim stands: these notices are lost, and the next ones (tomorrow's, the next threshold's) follow.
    });
    throw error;
  }
  if (claim.actionRequired.length === 0 || !deps.mail || deps.mail.to.length === 0) return;
  try {
    await deps.mail.mailer.send(renewalNoticeMail(certificate, deps.mail.to, now));
  } catch (error) {
    deps.log({
      level: 'error',
      message: 'Renewal Action Required mail not sent; the event was published',
      certificateArn: certificate.arn,
      thresholds: claim.actionRequired,
      error: withoutUrlCredentials(String(error)),
    });
  }
}

/** The text with the user info of any URL in it (scheme://user:password@host) left out. */
function withoutUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1');
}

/** Takes back what the claim recorded, if nothing recorded since, and makes the certificate due at once. */
async function releaseClaim(store: CertificateStore, claim: NoticeClaim, now: Date): Promise<void> {
  const { certificate, replaced } = claim;
  await updateCertificate(store, certificate.accountId, certificate.id, (current) => {
    if (current.issued?.serialHex !== certificate.issued?.serialHex) return undefined;
    const notices: ExpiryNotices = { ...current.expiryNotices };
    if (claim.approaching && notices.approachingSentOn === utcDate(now)) {
      notices.approachingSentOn = replaced.expiryNotices?.approachingSentOn;
      if (notices.approachingSentOn === undefined) delete notices.approachingSentOn;
    }
    if (claim.actionRequired.length > 0) {
      notices.actionRequiredSent = (notices.actionRequiredSent ?? []).filter(
        (threshold) => !claim.actionRequired.includes(threshold),
      );
    }
    return {
      ...current,
      expiryNotices: notices,
      scheduledWorkAt: replaced.scheduledWorkAt ?? now.toISOString(),
    };
  });
}
