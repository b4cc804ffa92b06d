import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { CaKeyAlgorithm } from '../model.ts';
import type { CaSigner } from '../ports.ts';
import { CA_ALGORITHMS } from './ca-algorithms.ts';

/** The CA algorithm of a node:crypto private key, or an error naming `source` for any other key. */
export function caAlgorithmOf(key: KeyObject, source: string): CaKeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && details.modulusLength === 2048) return 'RSA_2048';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'EC_prime256v1';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1') return 'EC_secp384r1';
  const size = details.modulusLength ?? details.namedCurve ?? 'unknown size';
  throw new Error(`${source}: a ${key.asymmetricKeyType} key (${size}) is not a supported CA key`);
}

/** A CaSigner over a private key held in this process (the local CA key, or the throwaway lint key). */
export function keyObjectSigner(privateKey: KeyObject, source: string): CaSigner {
  const algorithm = caAlgorithmOf(privateKey, source);
  const spki = new Uint8Array(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  return {
    algorithm,
    publicKeySpki: async () => spki.slice(),
    sign: (message) =>
      new Promise((resolve, reject) => {
        // RSA: PKCS#1 v1.5 (node's default padding); ECDSA: DER, as KMS returns it.
        sign(
          CA_ALGORITHMS[algorithm].hash,
          message,
          { key: privateKey, dsaEncoding: 'der' },
          (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature))),
        );
      }),
  };
}
