import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCaKey, FileCaSigner } from '../../functions/adapters/local/file-ca-signer.ts';
import { writeNewFile } from '../../functions/adapters/local/secret-files.ts';

describe('FileCaSigner', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-signer-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it.each([
    ['RSA_2048', 'sha256'],
    ['EC_prime256v1', 'sha256'],
    ['EC_secp384r1', 'sha384'],
  ] as const)(
    'creates a %s key file (0600) whose signatures verify with its public key',
    async (algorithm, hash) => {
      const path = join(directory, 'ca-key.pem');
      const created = await createCaKey(path, algorithm);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await readFile(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

      const loaded = await FileCaSigner.fromFile(path);
      expect(loaded.algorithm).toBe(algorithm);
      expect(await loaded.publicKeySpki()).toEqual(await created.publicKeySpki());

      const message = new TextEncoder().encode('tbsCertificate');
      const signature = await loaded.sign(message);
      const publicKey = createPublicKey({
        key: Buffer.from(await loaded.publicKeySpki()),
        format: 'der',
        type: 'spki',
      });
      expect(verify(hash, message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      if (algorithm !== 'RSA_2048') expect(signature[0]).toBe(0x30); // a DER SEQUENCE, as KMS returns
    },
  );

  it('refuses to overwrite an existing key file', async () => {
    const path = join(directory, 'ca-key.pem');
    await writeFile(path, 'precious');
    await expect(createCaKey(path, 'EC_prime256v1')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('precious');
  });

  it('refuses keys a CA may not use', async () => {
    const path = join(directory, 'ed25519.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(FileCaSigner.fromFile(path)).rejects.toThrow(/ed25519 key .* is not a supported CA key/);
  });
});

describe('writeNewFile', () => {
  it('creates the file with the given mode and leaves no temporary file behind', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'certwright-write-'));
    try {
      const path = join(directory, 'secret');
      await writeNewFile(path, new Uint8Array([1, 2, 3]), 0o600);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      await expect(writeNewFile(path, 'other', 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
      expect(await readFile(path)).toEqual(Buffer.from([1, 2, 3]));
      expect(await readdir(directory)).toEqual(['secret']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
