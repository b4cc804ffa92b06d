import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretMac } from '../../functions/adapters/local/file-secret-mac.ts';

describe('FileSecretMac', () => {
  let directory: string;
  let secretPath: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-mac-'));
    secretPath = join(directory, 'deployment.secret');
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('is HMAC-SHA256 over purpose, NUL, data with the secret in a 0600 file', async () => {
    const mac = await FileSecretMac.fromFile(secretPath);
    const secret = await readFile(secretPath);
    expect(secret.length).toBe(32);
    expect((await stat(secretPath)).mode & 0o777).toBe(0o600);

    const expected = createHmac('sha256', secret).update('dns-token\u0000123456789012|example.com').digest();
    expect(Buffer.from(await mac.mac('dns-token', '123456789012|example.com'))).toEqual(expected);
  });

  it('gives the same MAC after a restart and a different one per purpose and per secret', async () => {
    const first = await (await FileSecretMac.fromFile(secretPath)).mac('a', 'data');
    const again = await (await FileSecretMac.fromFile(secretPath)).mac('a', 'data');
    const otherPurpose = await (await FileSecretMac.fromFile(secretPath)).mac('b', 'data');
    const otherSecret = await (await FileSecretMac.fromFile(join(directory, 'other.secret'))).mac(
      'a',
      'data',
    );
    expect(again).toEqual(first);
    expect(otherPurpose).not.toEqual(first);
    expect(otherSecret).not.toEqual(first);
  });

  it('keeps purpose and data apart', async () => {
    const mac = await FileSecretMac.fromFile(secretPath);
    expect(await mac.mac('ab', 'c')).not.toEqual(await mac.mac('a', 'bc'));
    await expect(mac.mac('a\u0000b', 'c')).rejects.toThrow(/may not contain a NUL/);
  });
});
