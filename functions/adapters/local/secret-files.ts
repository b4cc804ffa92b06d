import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `data` to a new file at `path`, created with `mode` (never chmod-ed later). The file appears whole
 * or not at all (written under a temporary name, then hard-linked), and an existing file is never replaced:
 * the link fails with EEXIST.
 */
export async function writeNewFile(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * The secret of `length` bytes in `path`; if the file is missing, fresh random bytes are written to it with
 * mode 0600 (and a missing parent directory with mode 0700). Two processes racing to create it end up with the same secret (the loser reads the winner's).
 */
export async function readOrCreateSecretFile(path: string, length: number): Promise<Buffer> {
  let secret = await readIfExists(path);
  if (!secret) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      await writeNewFile(path, randomBytes(length), 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    secret = await readFile(path);
  }
  if (secret.length !== length) {
    throw new Error(`${path} holds ${secret.length} bytes, not a ${length}-byte secret`);
  }
  return secret;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
