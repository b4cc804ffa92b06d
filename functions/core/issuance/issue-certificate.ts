import { parseCertificateArn } from '../arn.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { CertificateNotValidatedError } from '../errors.ts';
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
 * Issues a validated certificate: a fresh key pair (sealed at once), a serial reserved before signing, a
 * linted and verified certificate, and one conditional write that moves the certificate to ISSUED; then
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
  const saved = await updateCertificate(deps.store, accountId, certificateId, (current) =>
    current.status === 'PENDING_VALIDATION' ? { ...current, status: 'ISSUED', issued } : undefined,
  );
  if (saved?.issued?.serialHex !== serialHex) return { outcome: 'STOPPED' };
  await announceIssuance(deps, saved);
  return { outcome: 'ISSUED', serial: serialHex };
}
