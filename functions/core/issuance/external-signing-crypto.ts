/**
 * A WebCrypto `Crypto` for @peculiar/x509 whose `subtle.sign` hands the to-be-signed bytes to a `CaSigner`,
 * so the CA private key never has to be a WebCrypto key (it lives in KMS or in a key file).
 */
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { CaSigner } from '../ports.ts';
import { CA_ALGORITHMS, type CaSignatureAlgorithm } from './ca-algorithms.ts';

const ECDSA_HALF_LENGTH = { 'P-256': 32, 'P-384': 48 } as const;

/** Looks like a CryptoKey to @peculiar/x509 (it reads `algorithm`); only our `subtle.sign` can use it. */
class ExternalSigningKey implements CryptoKey {
  readonly type = 'private';
  readonly extractable = false;
  readonly usages: KeyUsage[] = ['sign'];
  readonly algorithm: CaSignatureAlgorithm;

  constructor(readonly signer: CaSigner) {
    this.algorithm = CA_ALGORITHMS[signer.algorithm].webCrypto;
  }
}

/** The signing key to pass as `signingKey` to @peculiar/x509 together with `externalSigningCrypto()`. */
export function caSigningKey(signer: CaSigner): CryptoKey {
  return new ExternalSigningKey(signer);
}

/** `base` with `subtle.sign` routed to the CaSigner when the key comes from `caSigningKey`. */
export function externalSigningCrypto(base: Crypto = globalThis.crypto): Crypto {
  const sign = async (algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource) => {
    if (!(key instanceof ExternalSigningKey)) return base.subtle.sign(algorithm, key, data);
    const requested = typeof algorithm === 'string' ? algorithm : algorithm.name;
    if (requested !== key.algorithm.name) {
      throw new Error(`The CA key signs with ${key.algorithm.name}, not ${requested}`);
    }
    const signature = await key.signer.sign(toUint8Array(data));
    return key.algorithm.name === 'ECDSA'
      ? ecdsaDerToRaw(signature, ECDSA_HALF_LENGTH[key.algorithm.namedCurve])
      : toArrayBuffer(signature);
  };
  const subtle = new Proxy(base.subtle, {
    get(target, property) {
      if (property === 'sign') return sign;
      const value = Reflect.get(target, property, target);
      // Node's SubtleCrypto methods check `this`, so they must stay bound to the real object.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    subtle,
    getRandomValues: (array) => base.getRandomValues(array),
    randomUUID: () => base.randomUUID(),
  };
}

/**
 * DER `ECDSA-Sig-Value` (what KMS and node:crypto return) to WebCrypto's raw `r || s`, each half
 * left-padded to `halfLength` bytes (32 for P-256, 48 for P-384).
 */
export function ecdsaDerToRaw(der: Uint8Array, halfLength: number): ArrayBuffer {
  const value = AsnConvert.parse(der, ECDSASigValue);
  const raw = new Uint8Array(2 * halfLength);
  const put = (integer: ArrayBuffer, offset: number) => {
    let bytes = new Uint8Array(integer);
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    if (bytes.length > halfLength) throw new Error('ECDSA signature value is longer than the curve allows');
    raw.set(bytes, offset + halfLength - bytes.length);
  };
  put(value.r, 0);
  put(value.s, halfLength);
  return raw.buffer;
}

function toUint8Array(data: BufferSource): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
