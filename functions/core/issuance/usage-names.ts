import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const KEY_USAGE_NAMES: Array<[x509.KeyUsageFlags, string]> = [
  [x509.KeyUsageFlags.digitalSignature, 'DIGITAL_SIGNATURE'],
  [x509.KeyUsageFlags.nonRepudiation, 'NON_REPUDIATION'],
  [x509.KeyUsageFlags.keyEncipherment, 'KEY_ENCIPHERMENT'],
  [x509.KeyUsageFlags.dataEncipherment, 'DATA_ENCIPHERMENT'],
  [x509.KeyUsageFlags.keyAgreement, 'KEY_AGREEMENT'],
  [x509.KeyUsageFlags.keyCertSign, 'CERTIFICATE_SIGNING'],
  [x509.KeyUsageFlags.cRLSign, 'CRL_SIGNING'],
  [x509.KeyUsageFlags.encipherOnly, 'ENCIPHER_ONLY'],
  [x509.KeyUsageFlags.decipherOnly, 'DECIPHER_ONLY'],
];

const EXTENDED_KEY_USAGE_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'TLS_WEB_SERVER_AUTHENTICATION',
  '1.3.6.1.5.5.7.3.2': 'TLS_WEB_CLIENT_AUTHENTICATION',
  '1.3.6.1.5.5.7.3.3': 'CODE_SIGNING',
  '1.3.6.1.5.5.7.3.4': 'EMAIL_PROTECTION',
  '1.3.6.1.5.5.7.3.8': 'TIME_STAMPING',
  '1.3.6.1.5.5.7.3.9': 'OCSP_SIGNING',
  '1.3.6.1.5.5.7.3.5': 'IPSEC_END_SYSTEM',
  '1.3.6.1.5.5.7.3.6': 'IPSEC_TUNNEL',
  '1.3.6.1.5.5.7.3.7': 'IPSEC_USER',
  '2.5.29.37.0': 'ANY',
};

/** The key usages of a certificate as ACM names them (KeyUsageName). */
export function keyUsageNames(certificate: x509.X509Certificate): string[] {
  const extension = certificate.getExtension(x509.KeyUsagesExtension);
  if (!extension) return [];
  return KEY_USAGE_NAMES.filter(([flag]) => (extension.usages & flag) !== 0).map(([, name]) => name);
}

/** The extended key usages of a certificate as ACM names them, with their OIDs. */
export function extendedKeyUsageNames(
  certificate: x509.X509Certificate,
): Array<{ name: string; oid: string }> {
  const extension = certificate.getExtension(x509.ExtendedKeyUsageExtension);
  if (!extension) return [];
  return extension.usages.map((usage) => {
    const oid = String(usage);
    return { name: EXTENDED_KEY_USAGE_NAMES[oid] ?? 'CUSTOM', oid };
  });
}
