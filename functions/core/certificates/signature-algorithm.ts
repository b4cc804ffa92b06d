import type { CaKeyAlgorithm } from '../model.ts';

/** ACM's SignatureAlgorithm value for certificates signed by a CA key of this algorithm. */
export function signatureAlgorithmName(caAlgorithm: CaKeyAlgorithm): string {
  switch (caAlgorithm) {
    case 'RSA_2048':
      return 'SHA256WITHRSA';
    case 'EC_prime256v1':
      return 'SHA256WITHECDSA';
    case 'EC_secp384r1':
      return 'SHA384WITHECDSA';
  }
}
