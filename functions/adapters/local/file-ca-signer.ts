import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { generateLeafKeyPair } from '../../core/issuance/leaf-key.ts';
import type { CaKeyAlgorithm } from '../../core/model.ts';
import type { CaSigner } from '../../core/ports.ts';
import { writeNewFile } from './secret-files.ts';

/** The local CA key: a PKCS#8 PEM private key file, used through node:crypto. */
export class FileCaSigner implements CaSigner {
  private constructor(
    readonly algorithm: CaKeyAlgorithm,
    private readonly privateKey: KeyObject,
    private readonly spki: Uint8Array,
  ) {}

  static async fromFile(path: string): Promise<FileCaSigner> {
    return FileCaSigner.fromPem(await readFile(path, 'utf8'), path);
  }

  static fromPem(pem: string, source = 'CA key'): FileCaSigner {
    const privateKey = createPrivateKey({ key: pem, format: 'pem' });
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    return new FileCaSigner(caKeyAlgorithmOf(privateKey, source), privateKey, new Uint8Array(spki));
  }

  async publicKeySpki(): Promise<Uint8Array> {
    return this.spki.slice();
  }

  sign(message: Uint8Array): Promise<Uint8Array> {
    const hash = this.algorithm === 'EC_secp384r1' ? 'sha384' : 'sha256';
    return new Promise((resolve, reject) => {
      // RSA: PKCS#1 v1.5 (node's default padding); ECDSA: DER, as KMS returns it.
      sign(hash, message, { key: this.privateKey, dsaEncoding: 'der' }, (error, signature) =>
        error ? reject(error) : resolve(new Uint8Array(signature)),
      );
    });
  }
}

/** Generates a CA key and writes it to `path` (mode 0600). Fails with EEXIST if `path` exists. */
export async function createCaKey(path: string, algorithm: CaKeyAlgorithm): Promise<FileCaSigner> {
  const { privateKeyPkcs8Der } = await generateLeafKeyPair(algorithm);
  const pem = createPrivateKey({ key: Buffer.from(privateKeyPkcs8Der), format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  await writeNewFile(path, pem, 0o600);
  return FileCaSigner.fromPem(pem, path);
}

function caKeyAlgorithmOf(key: KeyObject, source: string): CaKeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && details.modulusLength === 2048) return 'RSA_2048';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'EC_prime256v1';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1') return 'EC_secp384r1';
  const size = details.modulusLength ?? details.namedCurve ?? 'unknown size';
  throw new Error(`${source}: a ${key.asymmetricKeyType} key (${size}) is not a supported CA key`);
}
