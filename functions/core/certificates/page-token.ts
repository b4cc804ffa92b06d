import { timingSafeEqual } from 'node:crypto';
import { InvalidArgsError } from '../errors.ts';
import type { SecretMac, StorePageKey } from '../ports.ts';

const PURPOSE = 'list-page-token';

/**
 * NextToken values are opaque to callers and tamper-evident: the store's page key, bound to the account
 * and the query it belongs to, with a MAC over both.
 */
export async function encodePageToken(
  mac: SecretMac,
  accountId: string,
  query: string,
  key: StorePageKey,
): Promise<string> {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${await signature(mac, accountId, query, payload)}`;
}

export async function decodePageToken(
  mac: SecretMac,
  accountId: string,
  query: string,
  token: string,
): Promise<StorePageKey> {
  const [payload, tag, ...rest] = token.split('.');
  if (!payload || !tag || rest.length > 0) throw invalidToken();
  // Compare the tag's text, not its decoded bytes: base64url decoding forgives stray and padding characters.
  const expected = Buffer.from(await signature(mac, accountId, query, payload));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken();
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as StorePageKey;
}

async function signature(mac: SecretMac, accountId: string, query: string, payload: string): Promise<string> {
  return Buffer.from(await mac.mac(PURPOSE, `${accountId}\n${query}\n${payload}`)).toString('base64url');
}

function invalidToken(): InvalidArgsError {
  return new InvalidArgsError('The NextToken is not valid for this request.');
}
