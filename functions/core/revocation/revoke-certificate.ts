import { findCertificate } from '../certificates/find-certificate.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { ConflictError, ResourceInUseError, ResourceNotFoundError, ValidationError } from '../errors.ts';
import { certificateRevokedEvent } from '../events/certificate-events.ts';
import type { CertificateRecord, IssuedCertificate, RevocationClaim, RevocationReason } from '../model.ts';
import type { CertificateStore, Clock, CrlRefresh, EventPublisher, RevocationStore } from '../ports.ts';
import { withRenewalEnded } from '../renewal/renewal-state.ts';
import { revocationUnderWay } from './revocation-claim.ts';

export interface RevokeCertificateDeps {
  store: CertificateStore;
  region: string;
  revocations: RevocationStore;
  events: EventPublisher;
  crlRefresh: CrlRefresh;
  clock: Clock;
}

export interface RevocationOutcome {
  certificateArn: string;
  /** Set when asking for a new CRL failed: the revocation stands and the next scheduled CRL lists it. */
  crlRefreshError?: unknown;
}

/** Reasons that would make a revocation temporary, which Certwright's revocations never are. */
const TEMPORARY_REASONS: readonly RevocationReason[] = ['CERTIFICATE_HOLD', 'REMOVE_FROM_CRL'];

/**
 * Revokes a certificate this CA issued, for good. ACM revokes only exported public certificates; Certwright
 * is the CA, so it revokes any certificate it issued that is ISSUED and not in use.
 *
 * The steps, each safe to repeat (there are no transactions): claim the revocation on the certificate (a
 * versioned write that checks it is still ISSUED and not in use, after which no resource may be associated
 * with it), record the revocation under the serial (the first record wins), publish
 * `ACM Certificate Revoked`, move the certificate to REVOKED (failing a renewal still under way in the same
 * write), ask for a new CRL. Without the claim, an association landing between the check and the record
 * would leave a certificate in use with its serial on the CRL.
 * A call that stopped part-way leaves the certificate ISSUED with its revocation claimed (and maybe
 * recorded), so the caller's retry runs every step again with the first date and reason and finishes the
 * job. The event goes out before the status changes, so it is published at least once: once REVOKED, a
 * certificate is never revoked again. A CRL refresh that fails or is lost is made good by the scheduled one.
 */
export async function revokeCertificate(
  deps: RevokeCertificateDeps,
  accountId: string,
  arn: string,
  reason: RevocationReason,
): Promise<RevocationOutcome> {
  if (TEMPORARY_REASONS.includes(reason)) {
    throw new ValidationError(
      `Revocation reason ${reason} is not supported: revocation is permanent, so a certificate cannot be put on hold or removed from the CRL.`,
    );
  }
  const found = await findCertificate(deps, accountId, arn);
  revocableCertificate(found);

  const now = deps.clock.now();
  const certificate = await claimRevocation(deps, found, reason, now);
  const issued = certificate.issued as IssuedCertificate;
  const claim = certificate.revoking as RevocationClaim;
  const recorded = await deps.revocations.recordRevocation({
    serialHex: issued.serialHex,
    certificateArn: certificate.arn,
    revokedAt: claim.revokedAt,
    reason: claim.reason,
    notAfter: issued.notAfter,
  });
  const revocation = { revokedAt: recorded.revokedAt, reason: recorded.reason };
  await deps.events.publish([
    certificateRevokedEvent({ ...certificate, revocation }, new Date(recorded.revokedAt)),
  ]);
  const saved = await updateCertificate(deps.store, accountId, certificate.id, (current) => {
    if (current.status !== 'ISSUED') return undefined;
    // A renewal stored a new body meanwhile: the revoked serial is on the CRL, the new one is not yet.
    if (current.issued?.serialHex !== issued.serialHex) throw renewedMeanwhile(arn, issued.serialHex);
    const { revoking: _finished, ...unclaimed } = current;
    return withRenewalEnded({ ...unclaimed, status: 'REVOKED', revocation }, now);
  });
  if (saved?.status !== 'REVOKED') throw alreadyChanged(arn, saved);
  try {
    await deps.crlRefresh.request();
  } catch (error) {
    // The revocation is complete and recorded: the scheduled CRL lists it; the caller should not retry.
    return { certificateArn: certificate.arn, crlRefreshError: error };
  }
  return { certificateArn: certificate.arn };
}

/**
 * Claims the revocation of the certificate's current body, unless an earlier call claimed it (its date and
 * reason then stand), and answers the certificate as claimed. Refused like the first check when the
 * certificate is no longer revocable, in use included.
 */
async function claimRevocation(
  deps: RevokeCertificateDeps,
  certificate: CertificateRecord,
  reason: RevocationReason,
  now: Date,
): Promise<CertificateRecord> {
  const saved = await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) => {
    const { serialHex } = revocableCertificate(current);
    if (revocationUnderWay(current)) return undefined;
    return { ...current, revoking: { serialHex, revokedAt: now.toISOString(), reason } };
  });
  if (!saved) throw new ResourceNotFoundError(`Could not find certificate ${certificate.arn}.`);
  return saved;
}

function renewedMeanwhile(arn: string, serialHex: string): ConflictError {
  return new ConflictError(
    `Certificate ${arn} was renewed while it was being revoked: serial ${serialHex} is revoked, the renewed certificate is not yet; call RevokeCertificate again to revoke it.`,
  );
}

function revocableCertificate(certificate: CertificateRecord): IssuedCertificate {
  if (certificate.type !== 'AMAZON_ISSUED') {
    throw new ValidationError(
      `Certificate ${certificate.arn} is IMPORTED: only a certificate this CA issued can be revoked.`,
    );
  }
  if (certificate.status === 'REVOKED') {
    throw new ConflictError(`Certificate ${certificate.arn} has already been revoked.`);
  }
  if (certificate.status !== 'ISSUED' || !certificate.issued) {
    throw new ValidationError(
      `Certificate ${certificate.arn} is ${certificate.status}: only an ISSUED certificate can be revoked.`,
    );
  }
  if (certificate.inUseBy.length > 0) {
    throw new ResourceInUseError(
      `Certificate ${certificate.arn} is in use by ${certificate.inUseBy.join(', ')}.`,
    );
  }
  return certificate.issued;
}

/** Another writer changed the certificate between the read and the save: deleted it, or expired it. */
function alreadyChanged(arn: string, current: CertificateRecord | undefined): Error {
  if (current === undefined) return new ResourceNotFoundError(`Could not find certificate ${arn}.`);
  return new ValidationError(
    `Certificate ${arn} is ${current.status}: only an ISSUED certificate can be revoked.`,
  );
}
