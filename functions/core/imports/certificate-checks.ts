import 'reflect-metadata';
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ValidationError } from '../errors.ts';

export const CERTIFICATE_EXPIRED = 'The certificate has expired, is not valid.';
export const CERTIFICATE_NOT_YET_VALID = 'The certificate is not in effect yet, is not valid.';
export const EMPTY_ISSUER = 'The certificate has an empty issuer; a certificate must name its issuer.';
export const KEY_MISMATCH = 'The private key does not match the public key in the certificate.';
export const OCSP_URL_TOO_LONG = 'The OCSP URL in the certificate is longer than 1000 characters.';

const MAX_OCSP_URL_LENGTH = 1000;

/**
 * ACM's import rules for the certificate itself: valid now (NotBefore ≤ now ≤ NotAfter), a non-empty
 * issuer, OCSP URLs of at most 1000 characters, and a public key that is the private key's.
 */
export function checkImportable(certificate: x509.X509Certificate, privateKey: KeyObject, now: Date): void {
  if (now.getTime() < certificate.notBefore.getTime()) throw new ValidationError(CERTIFICATE_NOT_YET_VALID);
  if (now.getTime() > certificate.notAfter.getTime()) throw new ValidationError(CERTIFICATE_EXPIRED);
  if (certificate.issuerName.toJSON().length === 0) throw new ValidationError(EMPTY_ISSUER);
  const access = certificate.getExtension(x509.AuthorityInfoAccessExtension);
  if (access?.ocsp.some((location) => location.value.length > MAX_OCSP_URL_LENGTH)) {
    throw new ValidationError(OCSP_URL_TOO_LONG);
  }
  if (!publicKeyOf(certificate)?.equals(createPublicKey(privateKey))) throw new ValidationError(KEY_MISMATCH);
}

function publicKeyOf(certificate: x509.X509Certificate): KeyObject | undefined {
  try {
    return createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}
