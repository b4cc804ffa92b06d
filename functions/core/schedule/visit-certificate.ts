import { updateCertificate } from '../certificates/update-certificate.ts';
import { announceIssuance, awaitsAnnouncement } from '../events/announce-issuance.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, Clock, EventPublisher, Mailer, WorkflowStarter } from '../ports.ts';
import { startRenewal } from '../renewal/start-renewal.ts';
import type { RenewalSettings } from '../settings.ts';
import { expireCertificate, hasExpired } from './expire-certificate.ts';
import { recordVisit, sendClaimedNotices } from './expiry-notices.ts';
import { actionRequiredDue, renewalStep } from './expiry-plan.ts';

/** Managed renewal and its Renewal Action Required notices (events and mail). */
export interface ScheduleRenewalDeps {
  workflow: WorkflowStarter;
  mailer: Mailer;
  settings: RenewalSettings;
}

export interface VisitDeps {
  store: CertificateStore;
  events: EventPublisher;
  clock: Clock;
  renewal?: ScheduleRenewalDeps;
  /** Where what the visit could not do but did not fail for (a notice mail not sent) is reported. */
  log: (entry: Record<string, unknown>) => void;
  /** The account's DaysBeforeExpiry (read once per account and run). */
  daysBeforeExpiry(accountId: string): Promise<number>;
}

/** What a visit did, each at most once. */
export interface VisitOutcome {
  expired?: boolean;
  announced?: boolean;
  approaching?: boolean;
  actionRequired?: boolean;
  renewalStarted?: boolean;
}

/**
 * How long the issue task has to announce its own issuance (its workflow retries span minutes) before the
 * schedule publishes it instead; sooner would publish the same event twice for no reason.
 */
export const ANNOUNCE_GRACE_MS = 60 * 60 * 1000;

/**
 * One due certificate, re-read (the index may lag): expired past NotAfter; announced if its issuance was
 * left unannounced past the grace period; then, once announced, its expiry notices and managed renewal, and
 * its next visit.
 */
export async function visitCertificate(
  deps: VisitDeps,
  reference: { accountId: string; certificateId: string },
  now: Date,
): Promise<VisitOutcome> {
  const found = await deps.store.get(reference.accountId, reference.certificateId);
  if (found?.status !== 'ISSUED' || !found.issued) return {};
  if (hasExpired(found, now)) {
    await expireCertificate(deps, found, now);
    return { expired: true };
  }
  let certificate = found;
  let announced = false;
  if (awaitsAnnouncement(certificate)) {
    // The issue task announces its own issuance; the schedule steps in after the grace period.
    if (now.getTime() < Date.parse(certificate.issued?.issuedAt ?? '') + ANNOUNCE_GRACE_MS) return {};
    await announceIssuance(deps, certificate);
    announced = true;
    const reread = await deps.store.get(reference.accountId, reference.certificateId);
    if (reread?.status !== 'ISSUED' || awaitsAnnouncement(reread)) return { announced };
    certificate = reread;
  }
  return { announced, ...(await superviseExpiry(deps, certificate, now)) };
}

/**
 * An announced certificate's notices, then its renewal. The notices are judged, recorded and sent on the
 * certificate as the visit read it, before a renewal is started or tried again: the owner hears of a failed
 * renewal with its own reason even when the retry follows, and a renewal that cannot be started holds back
 * no notice. A failure of either is thrown once both were tried; a start that failed leaves the certificate
 * due, so the next run tries it again.
 */
async function superviseExpiry(
  deps: VisitDeps,
  certificate: CertificateRecord,
  now: Date,
): Promise<Pick<VisitOutcome, 'approaching' | 'actionRequired' | 'renewalStarted'>> {
  const daysBeforeExpiry = await deps.daysBeforeExpiry(certificate.accountId);
  const { renewal } = deps;
  const claim = await recordVisit(deps.store, certificate, now, {
    daysBeforeExpiry,
    actionRequired: renewal ? actionRequiredDue(certificate, now) : [],
    renewal: renewal?.settings,
  });
  const failures: unknown[] = [];
  await sendClaimedNotices(
    {
      store: deps.store,
      events: deps.events,
      mail: renewal ? { mailer: renewal.mailer, to: renewal.settings.notificationEmails } : undefined,
      log: deps.log,
    },
    claim,
    now,
  ).catch((error: unknown) => failures.push(error));

  let renewalStarted = false;
  const step = renewal ? renewalStep(certificate, now, renewal.settings) : undefined;
  if (renewal && step) {
    try {
      const started = await startRenewal(
        { store: deps.store, workflow: renewal.workflow, clock: deps.clock },
        certificate.accountId,
        certificate.id,
        { restartStalled: step === 'START' },
      );
      renewalStarted =
        step === 'START' && started !== undefined && started.cycle !== certificate.renewal?.cycle;
    } catch (error) {
      failures.push(error);
      await makeDue(deps.store, certificate, now).catch(() => {
        // Then the visit planned above stands: at most a day away while a renewal is due or under way.
      });
    }
  }
  if (failures.length > 0) throw failures[0];
  return {
    approaching: claim.approaching,
    actionRequired: claim.actionRequired.length > 0,
    renewalStarted,
  };
}

/** Makes the certificate due at once (if it still has the body visited), for the next run to visit it. */
async function makeDue(store: CertificateStore, visited: CertificateRecord, now: Date): Promise<void> {
  const serialHex = visited.issued?.serialHex;
  await updateCertificate(store, visited.accountId, visited.id, (current) =>
    current.issued?.serialHex === serialHex && !(Date.parse(current.scheduledWorkAt ?? '') <= now.getTime())
      ? { ...current, scheduledWorkAt: now.toISOString() }
      : undefined,
  );
}
