/**
 * The CA bootstrap: the CA's own certificate, made once with the CA key and kept. The deploy-time custom
 * resource runs it through the issuance function (the only one that may sign with the CA key); every
 * re-deploy runs it again and keeps the stored certificate.
 */
import { CertwrightError } from '../errors.ts';
import type { CaSigner, Clock, Random } from '../ports.ts';
import { createSelfSignedCaCertificate } from './ca-certificate.ts';
import { newSerialHex } from './serial.ts';
import { backdatedNotBefore } from './validity.ts';

export interface StoredIssuerCertificate {
  certificatePem: string;
  /** The issuer chain above it, nearest first; empty for a root. */
  chainPem: string[];
}

/** Where the CA certificate is kept: read it (undefined before the bootstrap), store it only if absent. */
export interface IssuerCertificateStore {
  current(): Promise<StoredIssuerCertificate | undefined>;
  /** Stores the certificate unless one is already stored; true when this call stored it. */
  saveIfAbsent(certificate: StoredIssuerCertificate): Promise<boolean>;
}

export interface BootstrapCaInput {
  signer: CaSigner;
  store: IssuerCertificateStore;
  /** Distinguished name of the root, e.g. `CN=Certwright Root CA,O=Certwright`. */
  subject: string;
  validityYears: number;
  clock: Clock;
  random: Random;
}

export interface BootstrapCaResult extends StoredIssuerCertificate {
  /** True when this call made and stored the certificate, false when a stored one was kept. */
  created: boolean;
}

export const MAX_CA_VALIDITY_YEARS = 100;

export class CaBootstrapError extends CertwrightError {
  readonly code = 'CaBootstrapError';
  override name = 'CaBootstrapError' as const;
}

/**
 * Keeps a stored CA certificate; without one, makes a self-signed root for the signer's key (a fresh
 * serial, notBefore backdated for clock skew, notAfter `validityYears` after it) and stores it with a
 * conditional write. When that write loses a race with another bootstrap, the stored one is the CA.
 */
export async function bootstrapCa(input: BootstrapCaInput): Promise<BootstrapCaResult> {
  const { signer, store, subject, validityYears, clock, random } = input;
  if (!Number.isInteger(validityYears) || validityYears < 1 || validityYears > MAX_CA_VALIDITY_YEARS) {
    throw new CaBootstrapError(
      `the CA validity must be a whole number of years from 1 to ${MAX_CA_VALIDITY_YEARS}, got ${validityYears}`,
    );
  }
  if (subject.trim() === '') throw new CaBootstrapError('the CA subject is empty');

  const existing = await store.current();
  if (existing) return { ...existing, created: false };

  const notBefore = backdatedNotBefore(clock.now());
  const notAfter = new Date(notBefore.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + validityYears);
  const certificatePem = await createSelfSignedCaCertificate({
    signer,
    subject: subject.trim(),
    notBefore,
    notAfter,
    serialHex: newSerialHex(random),
  });
  const created: StoredIssuerCertificate = { certificatePem, chainPem: [] };
  if (await store.saveIfAbsent(created)) return { ...created, created: true };

  const winner = await store.current();
  if (!winner) {
    throw new CaBootstrapError('the CA certificate was stored by another bootstrap but cannot be read back');
  }
  return { ...winner, created: false };
}
