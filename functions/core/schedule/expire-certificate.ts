import { updateCertificate } from '../certificates/update-certificate.ts';
import { certificateExpiredEvent } from '../events/certificate-events.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, EventPublisher } from '../ports.ts';
import { withRenewalEnded } from '../renewal/renewal-state.ts';

/** Past its NotAfter: a certificate is valid through NotAfter itself (RFC 5280 §4.1.2.5). */
export function hasExpired(certificate: CertificateRecord, now: Date): boolean {
  return certificate.issued !== undefined && now.getTime() > Date.parse(certificate.issued.notAfter);
}

/**
 * Moves an ISSUED certificate past its NotAfter to EXPIRED and publishes `ACM Certificate Expired`; an
 * imported certificate expires without the event, which ACM sends only for certificates it issued.
 *
 * The event goes out first and the status is saved after it, so EXPIRED means "announced": a run that
 * fails or dies between the two leaves the certificate ISSUED and the next run publishes again (at least
 * once, never skipped), while a run that finds it EXPIRED publishes nothing. The save is conditional on the
 * same issuance still being ISSUED, so nothing else it changed meanwhile is lost; a renewal still under way
 * (its run gave up at NotAfter) is failed in the same write.
 */
export async function expireCertificate(
  deps: { store: CertificateStore; events: EventPublisher },
  certificate: CertificateRecord,
  now: Date,
): Promise<void> {
  if (certificate.type !== 'IMPORTED') await deps.events.publish([certificateExpiredEvent(certificate, now)]);
  const serialHex = certificate.issued?.serialHex;
  await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) =>
    current.status === 'ISSUED' && current.issued?.serialHex === serialHex
      ? withRenewalEnded({ ...current, status: 'EXPIRED' }, now)
      : undefined,
  );
}
