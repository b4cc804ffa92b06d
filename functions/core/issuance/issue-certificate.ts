import { parseCertificateArn } from '../arn.ts';
import { updateCertificate, updateKnownCertificate } from '../certificates/update-certificate.ts';
import { CertificateNotValidatedError, IssuanceInProgressError } from '../errors.ts';
import { announceIssuance, awaitsAnnouncement } from '../events/announce-issuance.ts';
import { DAY_MS } from '../events/certificate-events.ts';
import { type CertificateRecord, type IssuedCertificate, isRequestableKeyAlgorithm } from '../model.ts';
import type {
  CaSigner,
  CertificateStore,
  Clock,
  EventPublisher,
  IssuerSource,
  KeyVault,
  Random,
} from '../ports.ts';
import { revocationUnderWay } from '../revocation/revocation-claim.ts';
import type { IssuanceProfile } from '../settings.ts';
import { renewalUnderWay } from '../validation/renewal-run.ts';
import { generateLeafKeyPair } from './leaf-key.ts';
import { newSerialHex } from './serial.ts';
import { signLeafCertificate } from './sign-leaf.ts';
import { backdatedNotBefore } from './validity.ts';

export interface IssueCertificateDeps {
  store: CertificateStore;
  clock: Clock;
  random: Random;
  signer: CaSigner;
  issuer: IssuerSource;
  vault: KeyVault;
  profile: IssuanceProfile;
  events: EventPublisher;
}

/**
 * How long a claim to sign holds. Longer than an issue step can run (the AWS function's timeout is 60 s), so
 * a claim is only taken over from a run that is certainly gone.
 */
export const ISSUING_CLAIM_MS = 90_000;

/**
 * Issues a validated certificate: a claim to sign (one run signs, a racing run retries later), a fresh key
 * pair (sealed at once), a serial reserved before signing, a linted and verified certificate, and one
 * conditional write that moves the certificate to ISSUED and drops the claim; then
 * announces it (`ACM Certificate Available`, Action ISSUANCE). If the certificate is no longer pending
 * nothing is signed: a retry that finds it ISSUED but not yet announced (the publish failed) announces it,
 * anything else (announced, deleted, failed) stops without a write.
 */
export async function issueCertificate(
  deps: IssueCertificateDeps,
  arn: string,
): Promise<{ outcome: 'ISSUED' | 'STOPPED'; serial?: string }> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const pending = await deps.store.get(accountId, certificateId);
  if (pending && awaitsAnnouncement(pending)) {
    await announceIssuance(deps, pending);
    return { outcome: 'ISSUED', serial: pending.issued?.serialHex };
  }
  if (pending?.status !== 'PENDING_VALIDATION') return { outcome: 'STOPPED' };
  if (!pending.domainValidations.every((dv) => dv.status === 'SUCCESS')) {
    throw new CertificateNotValidatedError(`Certificate ${arn} is not validated for every name`);
  }

  const signable = (current: CertificateRecord) => current.status === 'PENDING_VALIDATION';
  const claim = await claimIssuing(deps, pending, signable);
  if (!claim) return { outcome: 'STOPPED' };
  const { claimId } = claim;
  const issued = await signNewBody(deps, pending);
  const saved = await updateKnownCertificate(deps.store, claim.claimed, (current) => {
    if (!signable(current) || current.issuing?.claimId !== claimId) return undefined;
    const { issuing: _claim, ...rest } = current;
    return { ...rest, status: 'ISSUED', issued };
  });
  if (saved?.issued?.serialHex !== issued.serialHex) return { outcome: 'STOPPED' };
  await announceIssuance(deps, saved);
  return { outcome: 'ISSUED', serial: issued.serialHex };
}

/**
 * Renews an ISSUED certificate whose renewal of `cycle` has every name validated again, as a first issuance
 * is made (claim to sign, new key pair, serial reserved before signing, lint, verify) with the same names,
 * options and key algorithm. One conditional write replaces the body under the same ARN (until then
 * GetCertificate returns the old one), marks the renewal SUCCESS, and clears the expiry notices sent and the
 * schedule's next visit, which belonged to the old body; then `ACM Certificate Available` goes out with Action
 * RENEWAL. A run whose renewal is over (or of another cycle), whose certificate is no longer ISSUED, or whose
 * current body a RevokeCertificate has claimed, stops without replacing the body; a retry that finds the new body stored but not yet announced announces it.
 */
export async function renewIssuedCertificate(
  deps: IssueCertificateDeps,
  arn: string,
  cycle: number,
): Promise<{ outcome: 'RENEWED' | 'STOPPED'; serial?: string }> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await deps.store.get(accountId, certificateId);
  if (certificate && awaitsAnnouncement(certificate) && certificate.renewal?.cycle === cycle) {
    await announceIssuance(deps, certificate);
    return { outcome: 'RENEWED', serial: certificate.issued?.serialHex };
  }
  const renewal = renewalUnderWay(certificate, cycle);
  if (!certificate || !renewal) return { outcome: 'STOPPED' };
  if (!renewal.domainValidations.every((dv) => dv.status === 'SUCCESS')) {
    throw new CertificateNotValidatedError(
      `The renewal of certificate ${arn} is not validated for every name`,
    );
  }

  // A revocation claimed on the current body wins: renewing it now would put a body nobody revoked in place
  // of the one being revoked. The revocation ends this renewal (FAILED) when it is recorded.
  const signable = (current: CertificateRecord) =>
    renewalUnderWay(current, cycle) !== undefined && !revocationUnderWay(current);
  const claim = await claimIssuing(deps, certificate, signable);
  if (!claim) return { outcome: 'STOPPED' };
  const { claimId } = claim;
  const issued: IssuedCertificate = { ...(await signNewBody(deps, certificate)), origin: 'RENEWAL' };
  const saved = await updateKnownCertificate(deps.store, claim.claimed, (current) => {
    const underWay = renewalUnderWay(current, cycle);
    if (!underWay || !signable(current) || current.issuing?.claimId !== claimId) return undefined;
    const { issuing: _claim, expiryNotices: _sent, scheduledWorkAt: _visit, ...rest } = current;
    const { statusReason: _reason, ...finished } = underWay;
    return { ...rest, issued, renewal: { ...finished, status: 'SUCCESS', updatedAt: issued.issuedAt } };
  });
  if (saved?.issued?.serialHex !== issued.serialHex) return { outcome: 'STOPPED' };
  await announceIssuance(deps, saved);
  return { outcome: 'RENEWED', serial: issued.serialHex };
}

/** Signs a new body for the certificate's names: a fresh key pair, sealed at once, and a reserved serial. */
async function signNewBody(
  deps: IssueCertificateDeps,
  certificate: CertificateRecord,
): Promise<IssuedCertificate> {
  const { arn } = certificate;
  const leafKeyAlgorithm = certificate.keyAlgorithm;
  if (!isRequestableKeyAlgorithm(leafKeyAlgorithm)) {
    throw new Error(`Certificate ${arn} asks for ${leafKeyAlgorithm}, which Certwright does not generate`);
  }
  const keyPair = await generateLeafKeyPair(leafKeyAlgorithm);
  const sealedPrivateKey = await deps.vault.seal(keyPair.privateKeyPkcs8Der, arn);
  const issuer = await deps.issuer.current();
  const now = deps.clock.now();
  const notBefore = backdatedNotBefore(now);
  const notAfter = new Date(notBefore.getTime() + deps.profile.validityDays * DAY_MS - 1000);
  const serialHex = newSerialHex(deps.random);
  await deps.store.reserveSerial(serialHex, arn, now);
  const { certificatePem, keyUsages, extendedKeyUsages } = await signLeafCertificate({
    signer: deps.signer,
    issuerCertificatePem: issuer.certificatePem,
    names: certificate.subjectAlternativeNames,
    leafPublicKeySpki: keyPair.publicKeySpkiDer,
    leafKeyAlgorithm,
    serialHex,
    notBefore,
    notAfter,
    profile: deps.profile,
    now,
  });
  return {
    certificatePem,
    chainPem: [issuer.certificatePem, ...issuer.chainPem].join(''),
    serialHex,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    issuedAt: now.toISOString(),
    sealedPrivateKey,
    keyUsages,
    extendedKeyUsages,
  };
}

/**
 * Takes the claim to sign, if the certificate (`read`, as last read) is still `signable` and the claim is
 * free or held by a run gone for longer than ISSUING_CLAIM_MS, and answers its id with the certificate as
 * saved with it. Undefined when the certificate is gone or no longer signable; IssuanceInProgressError while
 * another run holds the claim (the workflow retries the step).
 */
async function claimIssuing(
  deps: IssueCertificateDeps,
  read: CertificateRecord,
  signable: (certificate: CertificateRecord) => boolean,
): Promise<{ claimId: string; claimed: CertificateRecord } | undefined> {
  const claimId = deps.random.uuid();
  const now = deps.clock.now();
  const claimed = await updateKnownCertificate(deps.store, read, (current) => {
    if (!signable(current)) return undefined;
    const held = current.issuing;
    if (held && now.getTime() - Date.parse(held.claimedAt) < ISSUING_CLAIM_MS) return undefined;
    return { ...current, issuing: { claimId, claimedAt: now.toISOString() } };
  });
  if (!claimed || !signable(claimed)) return undefined;
  if (claimed.issuing?.claimId === claimId) return { claimId, claimed };
  throw new IssuanceInProgressError(`Another run is issuing certificate ${claimed.arn}`);
}

/**
 * Drops a claim to sign whatever its age. Only for a caller that knows its holder is gone: the local stack
 * at start, whose data directory lock proves no other process runs issuance on this table.
 */
export async function releaseIssuingClaim(
  store: CertificateStore,
  accountId: string,
  certificateId: string,
): Promise<void> {
  await updateCertificate(store, accountId, certificateId, (current) => {
    if (!current.issuing) return undefined;
    const { issuing: _released, ...rest } = current;
    return rest;
  });
}
