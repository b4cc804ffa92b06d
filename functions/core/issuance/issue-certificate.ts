import { parseCertificateArn } from '../arn.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { CertificateNotValidatedError, IssuanceInProgressError } from '../errors.ts';
import { announceIssuance, awaitsAnnouncement } from '../events/announce-issuance.ts';
import { type IssuedCertificate, isRequestableKeyAlgorithm } from '../model.ts';
import type {
  CaSigner,
  CertificateStore,
  Clock,
  EventPublisher,
  IssuerSource,
  KeyVault,
  Random,
} from '../ports.ts';
import type { IssuanceProfile } from '../settings.ts';
import { generateLeafKeyPair } from './leaf-key.ts';
import { newSerialHex } from './serial.ts';
import { signLeafCertificate } from './sign-leaf.ts';
import { extendedKeyUsageNames, keyUsageNames } from './usage-names.ts';
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

const DAY_MS = 24 * 60 * 60 * 1000;
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

  const claimId = await claimIssuing(deps, accountId, certificateId);
  if (!claimId) return { outcome: 'STOPPED' };
  const leafKeyAlgorithm = pending.keyAlgorithm;
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
  const { certificatePem, certificate } = await signLeafCertificate({
    signer: deps.signer,
    issuerCertificatePem: issuer.certificatePem,
    names: pending.subjectAlternativeNames,
    leafPublicKeySpki: keyPair.publicKeySpkiDer,
    leafKeyAlgorithm,
    serialHex,
    notBefore,
    notAfter,
    profile: deps.profile,
    now,
  });

  const issued: IssuedCertificate = {
    certificatePem,
    chainPem: [issuer.certificatePem, ...issuer.chainPem].join(''),
    serialHex,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    issuedAt: now.toISOString(),
    sealedPrivateKey,
    keyUsages: keyUsageNames(certificate),
    extendedKeyUsages: extendedKeyUsageNames(certificate),
  };
  const saved = await updateCertificate(deps.store, accountId, certificateId, (current) => {
    if (current.status !== 'PENDING_VALIDATION' || current.issuing?.claimId !== claimId) return undefined;
    const { issuing: _claim, ...rest } = current;
    return { ...rest, status: 'ISSUED', issued };
  });
  if (saved?.issued?.serialHex !== serialHex) return { outcome: 'STOPPED' };
  await announceIssuance(deps, saved);
  return { outcome: 'ISSUED', serial: serialHex };
}

/**
 * Takes the claim to sign, if it is free or held by a run gone for longer than ISSUING_CLAIM_MS, and answers
 * its id. Undefined when the certificate is gone or no longer pending; IssuanceInProgressError while another
 * run holds the claim (the workflow retries the step).
 */
async function claimIssuing(
  deps: IssueCertificateDeps,
  accountId: string,
  certificateId: string,
): Promise<string | undefined> {
  const claimId = deps.random.uuid();
  const now = deps.clock.now();
  const claimed = await updateCertificate(deps.store, accountId, certificateId, (current) => {
    if (current.status !== 'PENDING_VALIDATION') return undefined;
    const held = current.issuing;
    if (held && now.getTime() - Date.parse(held.claimedAt) < ISSUING_CLAIM_MS) return undefined;
    return { ...current, issuing: { claimId, claimedAt: now.toISOString() } };
  });
  if (claimed?.status !== 'PENDING_VALIDATION') return undefined;
  if (claimed.issuing?.claimId === claimId) return claimId;
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
