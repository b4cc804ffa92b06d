import { timingSafeEqual } from 'node:crypto';
import { type ClientError, InvalidArgsError } from '../errors.ts';
import type { SecretMac } from '../ports.ts';

const PURPOSE = 'list-page-token';

/** Where the next page starts: the store's page key, or the last item's place in a sorted order. */
export type PagePosition = Record<string, string | number>;

/** ListCertificates answers a NextToken it did not hand out for this request with InvalidArgsException. */
export function invalidNextToken(): ClientError {
  return new InvalidArgsError('The NextToken is not valid for this request.');
}

/**
 * NextToken values are opaque to callers and tamper-evident: the page position, bound to the account and
 * the query it belongs to, with a MAC over both.
 */
export async function encodePageToken(
  mac: SecretMac,
  accountId: string,
  query: string,
  position: PagePosition,
): Promise<string> {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${await signature(mac, accountId, query, payload)}`;
}

/** The position inside a token; `invalid` makes the error for a token that is not this query's. */
export async function decodePageToken(
  mac: SecretMac,
  accountId: string,
  query: string,
  token: string,
  invalid: () => ClientError = invalidNextToken,
): Promise<PagePosition> {
  const [payload, tag, ...rest] = token.split('.');
  if (!payload || !tag || rest.length > 0) throw invalid();
  // Compare the tag's text, not its decoded bytes: base64url decoding forgives stray and padding characters.
  const expected = Buffer.from(await signature(mac, accountId, query, payload));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PagePosition;
}

async function signature(mac: SecretMac, accountId: string, query: string, payload: string): Promise<string> {
  return Buffer.from(await mac.mac(PURPOSE, `${accountId}\n${query}\n${payload}`)).toString('base64url');
}
