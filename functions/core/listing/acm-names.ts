import type { KeyAlgorithm } from '../model.ts';

/** ACM's KeyAlgorithm values: a requested certificate has one of REQUESTABLE_KEY_ALGORITHMS, an import any. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
];
/** ACM's KeyUsageName values. */
export const KEY_USAGE_NAMES = [
  'DIGITAL_SIGNATURE',
  'NON_REPUDIATION',
  'KEY_ENCIPHERMENT',
  'DATA_ENCIPHERMENT',
  'KEY_AGREEMENT',
  'CERTIFICATE_SIGNING',
  'CRL_SIGNING',
  'ENCIPHER_ONLY',
  'DECIPHER_ONLY',
  'ANY',
  'CUSTOM',
] as const;
/** ACM's ExtendedKeyUsageName values; NONE stands for a certificate without the extension. */
export const EXTENDED_KEY_USAGE_NAMES = [
  'TLS_WEB_SERVER_AUTHENTICATION',
  'TLS_WEB_CLIENT_AUTHENTICATION',
  'CODE_SIGNING',
  'EMAIL_PROTECTION',
  'TIME_STAMPING',
  'OCSP_SIGNING',
  'IPSEC_END_SYSTEM',
  'IPSEC_TUNNEL',
  'IPSEC_USER',
  'ANY',
  'NONE',
  'CUSTOM',
] as const;
