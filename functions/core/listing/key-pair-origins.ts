import type { CertificateType } from '../model.ts';

/** ACM's CertificateKeyPairOrigin values. Certwright has no ACME server, so no certificate is ACME. */
export const CERTIFICATE_KEY_PAIR_ORIGINS = ['AWS_MANAGED', 'ACME', 'CUSTOMER_PROVIDED'] as const;
export type CertificateKeyPairOrigin = (typeof CERTIFICATE_KEY_PAIR_ORIGINS)[number];

const TYPE_OF_ORIGIN: Record<CertificateKeyPairOrigin, CertificateType | undefined> = {
  AWS_MANAGED: 'AMAZON_ISSUED',
  CUSTOMER_PROVIDED: 'IMPORTED',
  ACME: undefined,
};

/** The certificate types whose key pairs come from these origins (keyPairOrigin's inverse). */
export function typesOfOrigins(origins: readonly CertificateKeyPairOrigin[]): CertificateType[] {
  return origins.flatMap((origin) => TYPE_OF_ORIGIN[origin] ?? []);
}
