import { updateKnownCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, Clock, EventPublisher } from '../ports.ts';
import { type AvailableAction, certificateAvailableEvent } from './certificate-events.ts';

export interface AnnounceDeps {
  store: CertificateStore;
  events: EventPublisher;
  clock: Clock;
}

/** An ISSUED certificate whose `ACM Certificate Available` event has not been published yet. */
export function awaitsAnnouncement(certificate: CertificateRecord): boolean {
  return (
    certificate.status === 'ISSUED' && certificate.issued !== undefined && !certificate.issued.announcedAt
  );
}

/**
 * The Available event's Action: ISSUANCE for a certificate Certwright signed, RENEWAL for a body a managed
 * renewal signed; IMPORT for an import's first body, REIMPORT for a later one.
 */
function availableAction(certificate: CertificateRecord): AvailableAction {
  if (certificate.issued?.origin === 'RENEWAL') return 'RENEWAL';
  if (certificate.type !== 'IMPORTED') return 'ISSUANCE';
  return certificate.importedAt === certificate.createdAt ? 'IMPORT' : 'REIMPORT';
}

/**
 * Publishes the issuance's (or import's) `ACM Certificate Available` event, then records on the certificate that it was
 * sent. At least once: a crash or a failed save between the two leaves it unrecorded, and whoever finds it
 * so publishes again. The record is written only on the issuance that was announced (same serial).
 *
 * The same write hands the new body to the schedule: no expiry notice sent for it yet, and its first visit
 * due now, where the schedule plans when its notices and renewal fall due (the deployment's renewal window
 * and the account's DaysBeforeExpiry are the schedule's to know).
 */
export async function announceIssuance(deps: AnnounceDeps, certificate: CertificateRecord): Promise<void> {
  const now = deps.clock.now();
  await deps.events.publish([certificateAvailableEvent(certificate, availableAction(certificate), now)]);
  const serialHex = certificate.issued?.serialHex;
  await updateKnownCertificate(deps.store, certificate, (current) => {
    const { issued } = current;
    if (!issued || !awaitsAnnouncement(current) || issued.serialHex !== serialHex) return undefined;
    const { expiryNotices: _previousBody, ...rest } = current;
    return {
      ...rest,
      issued: { ...issued, announcedAt: now.toISOString() },
      scheduledWorkAt: now.toISOString(),
    };
  });
}
