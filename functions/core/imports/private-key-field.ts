import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import type { KeyAlgorithm } from '../model.ts';
import { type PemBlock, readPemBlocks } from './pem-blocks.ts';

export interface ImportedPrivateKey {
  key: KeyObject;
  keyAlgorithm: KeyAlgorithm;
  /** The key as PKCS#8 DER, the form the key vault seals. */
  pkcs8Der: Uint8Array;
}

/** The DER encoding each accepted PEM label holds. */
const KEY_ENCODINGS: Record<string, 'pkcs8' | 'pkcs1' | 'sec1'> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
};

const RSA_SIZES: Record<number, KeyAlgorithm> = { 2048: 'RSA_2048', 3072: 'RSA_3072', 4096: 'RSA_4096' };
const EC_CURVES: Record<string, KeyAlgorithm> = {
  prime256v1: 'EC_prime256v1',
  secp384r1: 'EC_secp384r1',
  secp521r1: 'EC_secp521r1',
};

const NOT_SUPPORTED = 'The private key is not supported';
const SUPPORTED_KEYS = 'Supported keys: RSA 2048, 3072 or 4096 bits; EC P-256, P-384 or P-521.';

/**
 * The PrivateKey member: one unencrypted PEM private key, PKCS#8 (`PRIVATE KEY`), PKCS#1
 * (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), of a key type ACM imports. Each refusal starts with ACM's
 * words and says what is wrong.
 */
export function readPrivateKeyField(bytes: Uint8Array): ImportedPrivateKey {
  const blocks = readPemBlocks(bytes)?.filter((block) => block.label.endsWith('PRIVATE KEY'));
  if (!blocks || blocks.length === 0) {
    throw new ValidationError(`${NOT_SUPPORTED}: it is not a PEM-encoded private key.`);
  }
  if (blocks.length > 1) {
    throw new ValidationError(`${NOT_SUPPORTED}: the field holds ${blocks.length} keys; give exactly one.`);
  }
  const block = blocks[0] as PemBlock;
  if (block.label === 'ENCRYPTED PRIVATE KEY' || block.headers['proc-type']?.includes('ENCRYPTED')) {
    throw new ValidationError(
      `${NOT_SUPPORTED}: it is encrypted. Import the private key without a passphrase.`,
    );
  }
  const encoding = KEY_ENCODINGS[block.label];
  if (!encoding)
    throw new ValidationError(`${NOT_SUPPORTED}: a PEM ${block.label} block is not a private key.`);
  const key = parseKey(block.der, encoding);
  return {
    key,
    keyAlgorithm: keyAlgorithmOf(key),
    pkcs8Der: new Uint8Array(key.export({ type: 'pkcs8', format: 'der' })),
  };
}

function parseKey(der: Uint8Array, encoding: 'pkcs8' | 'pkcs1' | 'sec1'): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: encoding });
  } catch {
    throw new ValidationError(`${NOT_SUPPORTED}: the ${encoding.toUpperCase()} key cannot be read.`);
  }
}

function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    const algorithm = RSA_SIZES[bits];
    if (!algorithm) {
      throw new ValidationError(
        `The private key length ${bits} is not supported for key algorithm RSA. ${SUPPORTED_KEYS}`,
      );
    }
    return algorithm;
  }
  if (key.asymmetricKeyType === 'ec') {
    const algorithm = EC_CURVES[details.namedCurve ?? ''];
    if (!algorithm) {
      throw new ValidationError(
        `${NOT_SUPPORTED}: EC keys on curve ${details.namedCurve ?? 'unknown'} are not. ${SUPPORTED_KEYS}`,
      );
    }
    return algorithm;
  }
  throw new ValidationError(
    `${NOT_SUPPORTED}: ${key.asymmetricKeyType ?? 'unknown'} keys are not. ${SUPPORTED_KEYS}`,
  );
}
