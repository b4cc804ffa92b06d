import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { keyObjectSigner } from '../../core/issuance/key-object-signer.ts';
import { generateLeafKeyPair } from '../../core/issuance/leaf-key.ts';
import type { CaKeyAlgorithm } from '../../core/model.ts';
import type { CaSigner } from '../../core/ports.ts';
import { writeNewFile } from './secret-files.ts';

/** The local CA key: a PKCS#8 PEM private key file, used through node:crypto. */
export const FileCaSigner = {
  async fromFile(path: string): Promise<CaSigner> {
    return FileCaSigner.fromPem(await readFile(path, 'utf8'), path);
  },

  fromPem(pem: string, source = 'CA key'): CaSigner {
    return keyObjectSigner(createPrivateKey({ key: pem, format: 'pem' }), source);
  },
};

/** Generates a CA key and writes it to `path` (mode 0600). Fails with EEXIST if `path` exists. */
export async function createCaKey(path: string, algorithm: CaKeyAlgorithm): Promise<CaSigner> {
  const { privateKeyPkcs8Der } = await generateLeafKeyPair(algorithm);
  const pem = createPrivateKey({ key: Buffer.from(privateKeyPkcs8Der), format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  await writeNewFile(path, pem, 0o600);
  return FileCaSigner.fromPem(pem, path);
}
