import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken } from '../../../functions/core/certificates/page-token.ts';
import { InvalidArgsError } from '../../../functions/core/errors.ts';
import type { StorePageKey } from '../../../functions/core/ports.ts';
import { ACCOUNT, HmacMac, OTHER_ACCOUNT } from './core-fixtures.ts';

const mac = new HmacMac();
const QUERY = JSON.stringify([['ISSUED'], ['RSA_2048']]);
const OTHER_QUERY = JSON.stringify([['PENDING_VALIDATION'], ['RSA_2048']]);
const KEY: StorePageKey = { sk: 'CERTIFICATE#00000000-0000-4000-8000-000000000001' };

async function expectInvalid(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidArgsError);
  expect((error as InvalidArgsError).code).toBe('InvalidArgsException');
  expect((error as Error).message).toBe('The NextToken is not valid for this request.');
}

/** Replaces the character at `index` with another character of the base64url alphabet that decodes differently. */
function flipCharacter(text: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const position = alphabet.indexOf(text[index] as string);
  // Flipping the high bit of the 6-bit digit changes a bit every decoder keeps, even in the last digit.
  const replacement = alphabet[position ^ 0b100000] as string;
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

const pageKey: fc.Arbitrary<StorePageKey> = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.oneof(fc.string({ maxLength: 40 }), fc.integer()),
  { minKeys: 1, maxKeys: 4 },
);

describe('page tokens', () => {
  it('round-trips the store page key for the same account and query', async () => {
    const token = await encodePageToken(mac, ACCOUNT, QUERY, KEY);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('CERTIFICATE#');
    expect(await decodePageToken(mac, ACCOUNT, QUERY, token)).toEqual(KEY);
  });

  it('round-trips any page key', async () => {
    await fc.assert(
      fc.asyncProperty(pageKey, fc.string(), async (key, query) => {
        const token = await encodePageToken(mac, ACCOUNT, query, key);
        expect(await decodePageToken(mac, ACCOUNT, query, token)).toEqual(key);
      }),
    );
  });

  it('refuses a token whose payload was changed', async () => {
    const token = await encodePageToken(mac, ACCOUNT, QUERY, KEY);
    const [, tag] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sk: 'CERTIFICATE#ffffffff-0000-4000-8000-000000000001' }),
    ).toString('base64url');
    await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, `${forged}.${tag}`));
    await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, `${flipCharacter(token, 3)}`));
  });

  it('refuses a token whose tag was changed in any character', async () => {
    const token = await encodePageToken(mac, ACCOUNT, QUERY, KEY);
    const tagStart = token.indexOf('.') + 1;
    for (let index = tagStart; index < token.length; index++) {
      await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, flipCharacter(token, index)));
    }
  });

  it('refuses a token with a truncated tag, a missing part or extra parts', async () => {
    const token = await encodePageToken(mac, ACCOUNT, QUERY, KEY);
    const [payload, tag] = token.split('.') as [string, string];
    for (const bad of [
      `${payload}.${tag.slice(0, -2)}`,
      `${payload}.`,
      `.${tag}`,
      payload,
      '',
      `${token}.${tag}`,
      'not-a-token',
    ]) {
      await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, bad));
    }
  });

  it('refuses a token made for another account', async () => {
    const theirs = await encodePageToken(mac, OTHER_ACCOUNT, QUERY, KEY);
    await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, theirs));
  });

  it('refuses a token made for another query', async () => {
    const token = await encodePageToken(mac, ACCOUNT, OTHER_QUERY, KEY);
    await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, token));
  });

  it('refuses a token made under another deployment secret', async () => {
    const token = await encodePageToken(new HmacMac('another deployment'), ACCOUNT, QUERY, KEY);
    await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, token));
  });

  it('refuses any token when only the account, or only the query, differs (property)', async () => {
    const accountId = fc.stringMatching(/^[0-9]{12}$/);
    const mismatch = fc.oneof(
      fc
        .tuple(accountId, accountId, fc.string())
        .filter(([a, b]) => a !== b)
        .map(([a, b, query]) => ({ made: [a, query], used: [b, query] })),
      fc
        .tuple(accountId, fc.string(), fc.string())
        .filter(([, q, r]) => q !== r)
        .map(([account, q, r]) => ({ made: [account, q], used: [account, r] })),
    );
    await fc.assert(
      fc.asyncProperty(pageKey, mismatch, async (key, { made, used }) => {
        const token = await encodePageToken(mac, made[0] as string, made[1] as string, key);
        await expectInvalid(decodePageToken(mac, used[0] as string, used[1] as string, token));
      }),
      { numRuns: 200 },
    );
  });

  // The README calls NextToken "tamper-checked; a bad token → InvalidArgsException". Node's base64url decoder
  // skips characters outside the alphabet and ignores the spare low bits of the last digit, so altered tokens
  // decode to the same tag bytes and are accepted.
  it.each([
    ['with a character outside the alphabet appended', (token: string) => `${token}!`],
    ['with base64 padding appended', (token: string) => `${token}==`],
    [
      'with the spare low bits of the last tag digit changed',
      (token: string) => {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        return `${token.slice(0, -1)}${alphabet[alphabet.indexOf(token.at(-1) as string) ^ 0b01]}`;
      },
    ],
  ])('refuses a token altered %s (no lenient tag decoding)', async (_, alter) => {
    const token = await encodePageToken(mac, ACCOUNT, QUERY, KEY);
    const altered = alter(token);
    expect(altered).not.toBe(token);
    await expectInvalid(decodePageToken(mac, ACCOUNT, QUERY, altered));
  });
});
