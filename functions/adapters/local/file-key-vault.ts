import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyVault } from '../../core/ports.ts';
import { readOrCreateSecretFile } from './secret-files.ts';

const MASTER_KEY_BYTES = 32;
const IV_BYTES = 12;
const VERSION = 'v1';

/**
 * Seals leaf private keys with AES-256-GCM under a master key kept in a local file. The context (the
 * certificate ARN) is the additional authenticated data, so a sealed key opens only for its own certificate.
 * Sealed format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
export class FileKeyVault implements KeyVault {
  private constructor(private readonly masterKey: Buffer) {}

  /** Uses the master key in `path`, creating it (mode 0600, fresh random bytes) if the file is missing. */
  static async fromFile(path: string): Promise<FileKeyVault> {
    return new FileKeyVault(await readOrCreateSecretFile(path, MASTER_KEY_BYTES));
  }

  async seal(plaintext: Uint8Array, context: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  async open(sealed: string, context: string): Promise<Uint8Array> {
    const [version, iv, ciphertext, tag, ...extra] = sealed.split('.');
    if (
      version !== VERSION ||
      iv === undefined ||
      ciphertext === undefined ||
      tag === undefined ||
      extra.length
    ) {
      throw new Error('FileKeyVault: not a sealed key in the v1 format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.masterKey, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]);
      return new Uint8Array(plaintext);
    } catch {
      throw new Error(
        `FileKeyVault: the sealed key does not open for context ${context} (wrong context, other master key, or tampered)`,
      );
    }
  }
}
