import { generateKeyPair } from 'node:crypto';
import type { RequestableKeyAlgorithm } from '../model.ts';

export interface LeafKeyPair {
  privateKeyPkcs8Der: Uint8Array;
  publicKeySpkiDer: Uint8Array;
}

type KeySpec = { type: 'rsa'; modulusLength: number } | { type: 'ec'; namedCurve: 'P-256' | 'P-384' };

const KEY_SPECS: Readonly<Record<RequestableKeyAlgorithm, KeySpec>> = {
  RSA_2048: { type: 'rsa', modulusLength: 2048 },
  RSA_3072: { type: 'rsa', modulusLength: 3072 },
  RSA_4096: { type: 'rsa', modulusLength: 4096 },
  EC_prime256v1: { type: 'ec', namedCurve: 'P-256' },
  EC_secp384r1: { type: 'ec', namedCurve: 'P-384' },
};

const ENCODING = {
  publicKeyEncoding: { type: 'spki', format: 'der' },
  privateKeyEncoding: { type: 'pkcs8', format: 'der' },
} as const;

/**
 * A new key pair for `algorithm` (RSA with e = 65537, or EC on a named curve), generated off the event loop.
 * RSA takes about 170 ms for 2048 bits and seconds for 4096.
 */
export function generateLeafKeyPair(algorithm: RequestableKeyAlgorithm): Promise<LeafKeyPair> {
  const spec = KEY_SPECS[algorithm];
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: Buffer, privateKey: Buffer) => {
      if (error) reject(error);
      else
        resolve({
          privateKeyPkcs8Der: new Uint8Array(privateKey),
          publicKeySpkiDer: new Uint8Array(publicKey),
        });
    };
    if (spec.type === 'rsa') {
      generateKeyPair(
        'rsa',
        { modulusLength: spec.modulusLength, publicExponent: 0x10001, ...ENCODING },
        done,
      );
    } else {
      generateKeyPair('ec', { namedCurve: spec.namedCurve, ...ENCODING }, done);
    }
  });
}
