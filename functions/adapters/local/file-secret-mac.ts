import { createHmac } from 'node:crypto';
import type { SecretMac } from '../../core/ports.ts';
import { readOrCreateSecretFile } from './secret-files.ts';

const SECRET_BYTES = 32;

/** HMAC-SHA256 over a deployment secret kept in a local file: mac(purpose, data) = HMAC(secret, purpose ‖ 0x00 ‖ data). */
export class FileSecretMac implements SecretMac {
  private constructor(private readonly secret: Buffer) {}

  /** Uses the secret in `path`, creating it (mode 0600, fresh random bytes) if the file is missing. */
  static async fromFile(path: string): Promise<FileSecretMac> {
    return new FileSecretMac(await readOrCreateSecretFile(path, SECRET_BYTES));
  }

  async mac(purpose: string, data: string): Promise<Uint8Array> {
    // The NUL separates purpose from data; a purpose containing one would make the split ambiguous.
    if (purpose.includes('\0')) throw new Error('A MAC purpose may not contain a NUL character');
    return new Uint8Array(createHmac('sha256', this.secret).update(`${purpose}\0${data}`, 'utf8').digest());
  }
}
