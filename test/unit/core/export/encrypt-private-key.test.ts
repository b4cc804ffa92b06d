import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encryptPrivateKey,
  PBKDF2_ITERATIONS,
} from '../../../../functions/core/export/encrypt-private-key.ts';
import { openssl, opensslDecrypt } from './openssl-export-checks.ts';

const PASSPHRASE = 'correct horse battery staple';
const bytes = (text: string) => new TextEncoder().encode(text);

function pkcs8(type: 'rsa' | 'ec'): Uint8Array {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));
}

/** The salt and IV, read from `openssl asn1parse` (the first and second OCTET STRING). */
function octetStrings(asn1parse: string): string[] {
  return [...asn1parse.matchAll(/OCTET STRING\s+\[HEX DUMP\]:([0-9A-F]+)/g)].map(
    (match) => match[1] as string,
  );
}

describe('encryptPrivateKey', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'certwright-encrypt-key-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function asn1parse(pem: string): Promise<string> {
    const file = join(directory, 'asn1.pem');
    await writeFile(file, pem);
    return openssl(['asn1parse', '-in', file]);
  }

  it.each(['rsa', 'ec'] as const)(
    'encrypts a %s key that openssl pkey opens to the same PKCS#8',
    async (type) => {
      const key = pkcs8(type);
      const pem = await encryptPrivateKey(key, bytes(PASSPHRASE));
      expect(pem).toMatch(
        /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END ENCRYPTED PRIVATE KEY-----\n$/,
      );
      expect(await opensslDecrypt(pem, PASSPHRASE, directory)).toEqual(key);
      expect(
        new Uint8Array(
          createPrivateKey({ key: pem, passphrase: PASSPHRASE }).export({ type: 'pkcs8', format: 'der' }),
        ),
      ).toEqual(key);
    },
  );

  it('uses PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations and AES-256-CBC', async () => {
    expect(PBKDF2_ITERATIONS).toBe(600_000);
    const parsed = await asn1parse(await encryptPrivateKey(pkcs8('ec'), bytes(PASSPHRASE)));
    const objects = [...parsed.matchAll(/OBJECT\s+:(\S+)/g)].map((match) => match[1]);
    expect(objects).toEqual(['PBES2', 'PBKDF2', 'hmacWithSHA256', 'aes-256-cbc']);
    expect(parsed).toMatch(/INTEGER\s+:0927C0\n/); // 600000
    const [salt, iv] = octetStrings(parsed);
    expect(salt).toHaveLength(32); // 16 bytes
    expect(iv).toHaveLength(32);
  });

  it('draws a fresh salt and IV for every encryption', async () => {
    const key = pkcs8('ec');
    const first = octetStrings(await asn1parse(await encryptPrivateKey(key, bytes(PASSPHRASE))));
    const second = octetStrings(await asn1parse(await encryptPrivateKey(key, bytes(PASSPHRASE))));
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(3);
    for (const index of [0, 1, 2]) expect(first[index]).not.toBe(second[index]);
  });

  it('does not open with another passphrase', async () => {
    const pem = await encryptPrivateKey(pkcs8('ec'), bytes(PASSPHRASE));
    await expect(opensslDecrypt(pem, 'correct horse battery stapler', directory)).rejects.toThrow(
      /openssl pkey failed/,
    );
    expect(() => createPrivateKey({ key: pem, passphrase: 'Correct horse battery staple' })).toThrow();
  });

  it('writes the iteration count it is given, and refuses one that is not a positive integer', async () => {
    const parsed = await asn1parse(await encryptPrivateKey(pkcs8('ec'), bytes(PASSPHRASE), 128));
    expect(parsed).toMatch(/INTEGER\s+:80\n/);
    await expect(encryptPrivateKey(pkcs8('ec'), bytes(PASSPHRASE), 0)).rejects.toThrow(RangeError);
  });
});
