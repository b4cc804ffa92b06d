import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyVault } from '../../functions/adapters/local/file-key-vault.ts';

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0b6e8c3a-1f52-4c8e-9a4b-2d7f0e1c5a9b';
const OTHER_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/7c2d4e6f-8a0b-4c1d-9e2f-3a4b5c6d7e8f';

describe('FileKeyVault', () => {
  let directory: string;
  let keyPath: string;
  const secret = new TextEncoder().encode('-----BEGIN PRIVATE KEY----- pretend pkcs8');

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-vault-'));
    keyPath = join(directory, 'master.key');
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('creates a 32-byte master key file with mode 0600 and keeps using it', async () => {
    const vault = await FileKeyVault.fromFile(keyPath);
    const masterKey = await readFile(keyPath);
    expect(masterKey.length).toBe(32);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);

    const sealed = await vault.seal(secret, ARN);
    const reopened = await FileKeyVault.fromFile(keyPath);
    expect(await readFile(keyPath)).toEqual(masterKey);
    expect(await reopened.open(sealed, ARN)).toEqual(secret);
  });

  it('creates a missing parent directory (0700) for the master key', async () => {
    const nested = join(directory, 'secrets', 'key-vault.key');
    await FileKeyVault.fromFile(nested);
    expect((await stat(join(directory, 'secrets'))).mode & 0o777).toBe(0o700);
    expect((await stat(nested)).mode & 0o777).toBe(0o600);
  });

  it('seals into the versioned format, with a fresh IV each time', async () => {
    const vault = await FileKeyVault.fromFile(keyPath);
    const first = await vault.seal(secret, ARN);
    const second = await vault.seal(secret, ARN);
    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(first).not.toBe(second);
    expect(await vault.open(first, ARN)).toEqual(secret);
    expect(await vault.open(second, ARN)).toEqual(secret);
  });

  it('round-trips an empty plaintext', async () => {
    const vault = await FileKeyVault.fromFile(keyPath);
    expect(await vault.open(await vault.seal(new Uint8Array(0), ARN), ARN)).toEqual(new Uint8Array(0));
  });

  it('will not open with another context', async () => {
    const vault = await FileKeyVault.fromFile(keyPath);
    const sealed = await vault.seal(secret, ARN);
    await expect(vault.open(sealed, OTHER_ARN)).rejects.toThrow(
      /does not open for context .*7c2d4e6f.* \(wrong context, other master key, or tampered\)/,
    );
  });

  it.each([1, 2, 3])('will not open when part %i (iv, ciphertext, tag) is altered', async (part) => {
    const vault = await FileKeyVault.fromFile(keyPath);
    const parts = (await vault.seal(secret, ARN)).split('.');
    const bytes = Buffer.from(parts[part] as string, 'base64url');
    bytes[0] = (bytes[0] as number) ^ 0x01;
    parts[part] = bytes.toString('base64url');
    await expect(vault.open(parts.join('.'), ARN)).rejects.toThrow(/does not open/);
  });

  it('will not open with another master key', async () => {
    const sealed = await (await FileKeyVault.fromFile(keyPath)).seal(secret, ARN);
    const other = await FileKeyVault.fromFile(join(directory, 'other.key'));
    await expect(other.open(sealed, ARN)).rejects.toThrow(/does not open/);
  });

  it('rejects values that are not in the v1 format', async () => {
    const vault = await FileKeyVault.fromFile(keyPath);
    const sealed = await vault.seal(secret, ARN);
    await expect(vault.open(sealed.replace(/^v1/, 'v2'), ARN)).rejects.toThrow(
      /not a sealed key in the v1 format/,
    );
    await expect(vault.open(`${sealed}.extra`, ARN)).rejects.toThrow(/v1 format/);
    await expect(vault.open('garbage', ARN)).rejects.toThrow(/v1 format/);
  });

  it('refuses a master key file of the wrong size', async () => {
    await writeFile(keyPath, Buffer.alloc(16), { mode: 0o600 });
    await expect(FileKeyVault.fromFile(keyPath)).rejects.toThrow(/holds 16 bytes, not a 32-byte secret/);
  });
});
