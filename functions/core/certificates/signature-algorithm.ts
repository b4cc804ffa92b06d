import { CA_ALGORITHMS } from '../issuance/ca-algorithms.ts';
import type { CaKeyAlgorithm } from '../model.ts';

/** ACM's SignatureAlgorithm value for certificates signed by a CA key of this algorithm. */
export function signatureAlgorithmName(caAlgorithm: CaKeyAlgorithm): string {
  return CA_ALGORITHMS[caAlgorithm].acmName;
}
