import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { CrlPublisher } from '../../core/ports.ts';

/** The CRL file's name in the data directory. */
export const CRL_FILE = 'ca.crl';

/**
 * The local CRL: a DER file the local HTTP server serves. Each publish replaces it whole (written under a
 * temporary name, then renamed), so a reader never sees half a CRL.
 */
export class FileCrlPublisher implements CrlPublisher {
  constructor(readonly path: string) {}

  async publish(crlDer: Uint8Array): Promise<void> {
    const temporary = `${this.path}.${randomBytes(8).toString('hex')}.tmp`;
    try {
      const handle = await open(temporary, 'wx', 0o644);
      try {
        await handle.writeFile(crlDer);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  /** The CRL last published, or undefined before the first publish. */
  async current(): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
