import type { CaKeyAlgorithm } from '../model.ts';

export type CaSignatureAlgorithm =
  | { name: 'RSASSA-PKCS1-v1_5'; hash: { name: 'SHA-256' } }
  | { name: 'ECDSA'; namedCurve: 'P-256'; hash: { name: 'SHA-256' } }
  | { name: 'ECDSA'; namedCurve: 'P-384'; hash: { name: 'SHA-384' } };

export interface CaAlgorithm {
  /** What @peculiar/x509 is told the signature is (the WebCrypto algorithm). */
  webCrypto: CaSignatureAlgorithm;
  /** The digest a CaSigner uses (node:crypto name; KMS: the matching SigningAlgorithm). */
  hash: 'sha256' | 'sha384';
  /** ACM's SignatureAlgorithm value for certificates this key signs. */
  acmName: string;
  /** The DER AlgorithmIdentifier such certificates must carry (checked by the lint). */
  algorithmIdentifierHex: string;
}

/** Everything that depends on the CA key's algorithm, in one place. */
export const CA_ALGORITHMS: Readonly<Record<CaKeyAlgorithm, CaAlgorithm>> = {
  RSA_2048: {
    webCrypto: { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } },
    hash: 'sha256',
    acmName: 'SHA256WITHRSA',
    algorithmIdentifierHex: '300d06092a864886f70d01010b0500', // sha256WithRSAEncryption, NULL parameters
  },
  EC_prime256v1: {
    webCrypto: { name: 'ECDSA', namedCurve: 'P-256', hash: { name: 'SHA-256' } },
    hash: 'sha256',
    acmName: 'SHA256WITHECDSA',
    algorithmIdentifierHex: '300a06082a8648ce3d040302', // ecdsa-with-SHA256, no parameters
  },
  EC_secp384r1: {
    webCrypto: { name: 'ECDSA', namedCurve: 'P-384', hash: { name: 'SHA-384' } },
    hash: 'sha384',
    acmName: 'SHA384WITHECDSA',
    algorithmIdentifierHex: '300a06082a8648ce3d040303', // ecdsa-with-SHA384, no parameters
  },
};
