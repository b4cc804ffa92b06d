import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

/** ACM's SignatureAlgorithm names, by the signature algorithm OID of the certificate. */
const ACM_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'MD5WITHRSA',
  '1.2.840.113549.1.1.5': 'SHA1WITHRSA',
  '1.2.840.113549.1.1.14': 'SHA224WITHRSA',
  '1.2.840.113549.1.1.11': 'SHA256WITHRSA',
  '1.2.840.113549.1.1.12': 'SHA384WITHRSA',
  '1.2.840.113549.1.1.13': 'SHA512WITHRSA',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'SHA1WITHECDSA',
  '1.2.840.10045.4.3.1': 'SHA224WITHECDSA',
  '1.2.840.10045.4.3.2': 'SHA256WITHECDSA',
  '1.2.840.10045.4.3.3': 'SHA384WITHECDSA',
  '1.2.840.10045.4.3.4': 'SHA512WITHECDSA',
  '1.3.101.112': 'ED25519',
};

/** How DescribeCertificate names the algorithm the issuer signed the certificate with; else its OID. */
export function signatureAlgorithmName(certificateDer: ArrayBuffer): string {
  const oid = AsnConvert.parse(certificateDer, Certificate).signatureAlgorithm.algorithm;
  return ACM_NAMES[oid] ?? oid;
}
