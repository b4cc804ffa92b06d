import { findCertificate } from '../certificates/find-certificate.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import {
  type ClientError,
  RequestInProgressError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore, Clock, KeyVault } from '../ports.ts';
import { encryptPrivateKey } from './encrypt-private-key.ts';
import { checkPassphrase } from './passphrase.ts';

export interface ExportCertificateDeps {
  store: CertificateStore;
  region: string;
  vault: KeyVault;
  clock: Clock;
}

export interface ExportedCertificate {
  certificatePem: string;
  /** Empty for an import that came without a chain. */
  chainPem: string;
  /** PKCS#8 encrypted under the passphrase (PEM `ENCRYPTED PRIVATE KEY`). */
  encryptedPrivateKeyPem: string;
}

/**
 * ExportCertificate: the certificate, its chain and its private key encrypted under the caller's passphrase.
 * Only a certificate requested with Export ENABLED, or an imported one, and only while it is ISSUED and not
 * past NotAfter. The export is counted on the certificate (which makes a Certwright-issued certificate
 * eligible for managed renewal) before the key is handed back; a refusal or a failure records nothing.
 */
export async function exportCertificate(
  deps: ExportCertificateDeps,
  accountId: string,
  arn: string,
  passphrase: Uint8Array,
): Promise<ExportedCertificate> {
  checkPassphrase(passphrase);
  const certificate = await findCertificate(deps, accountId, arn);
  const refusal = exportRefusal(certificate, deps.clock.now());
  if (refusal) throw refusal;
  const issued = certificate.issued as NonNullable<CertificateRecord['issued']>;

  const privateKey = await deps.vault.open(issued.sealedPrivateKey, certificate.arn);
  let encryptedPrivateKeyPem: string;
  try {
    encryptedPrivateKeyPem = await encryptPrivateKey(privateKey, passphrase);
  } finally {
    privateKey.fill(0);
  }

  const exportedAt = deps.clock.now();
  const recorded = await updateCertificate(deps.store, accountId, certificate.id, (current) => {
    const lateRefusal = exportRefusal(current, exportedAt);
    if (lateRefusal) throw lateRefusal;
    const at = exportedAt.toISOString();
    return {
      ...current,
      exported: {
        firstExportedAt: current.exported?.firstExportedAt ?? at,
        lastExportedAt: at,
        count: (current.exported?.count ?? 0) + 1,
      },
    };
  });
  if (!recorded) throw new ResourceNotFoundError(`Could not find certificate ${arn}.`);
  // The pair read first is returned even if a renewal replaced it meanwhile: certificate and key match.
  return { certificatePem: issued.certificatePem, chainPem: issued.chainPem, encryptedPrivateKeyPem };
}

/** Why this certificate's key may not be exported now, or undefined when it may. */
function exportRefusal(certificate: CertificateRecord, now: Date): ClientError | undefined {
  const { arn, status } = certificate;
  if (certificate.type === 'AMAZON_ISSUED' && certificate.options.export !== 'ENABLED') {
    return new ValidationError(
      `Certificate ${arn} is not exportable: it was requested with the Export option DISABLED, which cannot be changed. Request a new certificate with Options Export=ENABLED to export its key.`,
    );
  }
  if (status === 'PENDING_VALIDATION') {
    return new RequestInProgressError(`Certificate ${arn} has not been issued yet; its status is ${status}.`);
  }
  if (status === 'REVOKED') {
    return new ValidationError(
      `Certificate ${arn} is revoked; the private key of a revoked certificate is not exported.`,
    );
  }
  if (status === 'FAILED' || status === 'VALIDATION_TIMED_OUT') {
    return new ValidationError(
      `Certificate ${arn} was never issued (its status is ${status}); there is nothing to export.`,
    );
  }
  const notAfter = certificate.issued?.notAfter;
  if (status === 'EXPIRED' || (notAfter !== undefined && Date.parse(notAfter) <= now.getTime())) {
    return new ValidationError(
      `Certificate ${arn} expired at ${notAfter}; an expired certificate is not exported.`,
    );
  }
  if (status !== 'ISSUED' || !certificate.issued) {
    return new ValidationError(`Certificate ${arn} cannot be exported in status ${status}.`);
  }
  return undefined;
}
