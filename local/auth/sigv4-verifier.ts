/**
 * Verifies AWS Signature Version 4 (Authorization header form) the way AWS front ends do, with AWS's error
 * codes and messages. The signature itself is recomputed by @smithy/signature-v4, the signer the AWS SDK
 * uses; this file only parses the header, checks scope and clock, and feeds the signer exactly what the
 * client signed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { ClientError } from '../../functions/core/errors.ts';
import type { Credential } from './accounts-file.ts';
import { NodeSha256 } from './node-sha256.ts';

export type AuthErrorCode =
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

export class AuthError extends ClientError {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export type IncomingSignedRequest = {
  method: string;
  /** The raw request target, query string included. */
  path: string;
  /** Lowercased names, as in node's IncomingMessage.headers. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
};

export type VerifyOptions = {
  lookup(accessKeyId: string): Credential | undefined;
  region: string;
  /** Accepted signing names; the first is the one named in errors. */
  services: readonly string[];
  now: Date;
  maxSkewMinutes: number;
};

export type VerifiedCaller = { accountId: string; accessKeyId: string };

type AuthorizationParts = { credential: string; signedHeaders: string[]; signature: string };
type Scope = { accessKeyId: string; region: string; service: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const PRESIGN_PARAMETERS = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-signature', 'x-amz-signedheaders'];
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const incomplete = (message: string) => new AuthError('IncompleteSignatureException', message);
const invalid = (message: string) => new AuthError('InvalidSignatureException', message);
const unrecognized = () =>
  new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');

/** Resolves to the caller when the request carries a valid signature; rejects with an AuthError otherwise. */
export async function verifySigV4(
  request: IncomingSignedRequest,
  options: VerifyOptions,
): Promise<VerifiedCaller> {
  const queryStart = request.path.indexOf('?');
  const path = queryStart < 0 ? request.path : request.path.slice(0, queryStart);
  const query = parseQuery(queryStart < 0 ? '' : request.path.slice(queryStart + 1));
  if (Object.keys(query).some((key) => PRESIGN_PARAMETERS.includes(key.toLowerCase()))) {
    throw incomplete(
      'Query-string (presigned) authentication is not supported; sign the Authorization header.',
    );
  }

  const authorization = header(request.headers, 'authorization');
  if (!authorization?.trim()) {
    throw new AuthError('IncompleteSignatureException', 'Request is missing Authentication Token');
  }
  const auth = parseAuthorization(authorization, request.headers);
  const amzDate = requireSignedDate(auth, request.headers);
  const requestTime = parseAmzDate(amzDate);
  checkClockSkew(requestTime, options);
  const scope = checkScope(auth.credential, amzDate, options);

  // Our keys are long-term: a session token means the client holds credentials we never issued.
  if (header(request.headers, 'x-amz-security-token') !== undefined) throw unrecognized();
  const credential = options.lookup(scope.accessKeyId);
  if (!credential) throw unrecognized();

  const expected = await expectedSignature(request, path, query, auth, scope, credential, requestTime);
  const given = Buffer.from(auth.signature);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid(SIGNATURE_MISMATCH);
  return { accountId: credential.accountId, accessKeyId: credential.accessKeyId };
}

function parseAuthorization(value: string, headers: IncomingSignedRequest['headers']): AuthorizationParts {
  const trimmed = value.trim();
  const algorithm = trimmed.split(/\s/, 1)[0] ?? '';
  if (algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);

  const parameters = new Map<string, string>();
  // AWS accepts ", " and "," between parameters; values never hold commas or spaces.
  for (const pair of trimmed.slice(algorithm.length).split(/[\s,]+/)) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals < 0) {
      throw incomplete(
        `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${trimmed}'`,
      );
    }
    parameters.set(pair.slice(0, equals), pair.slice(equals + 1));
  }

  const missing = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !parameters.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (header(headers, 'x-amz-date') === undefined && header(headers, 'date') === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) throw incomplete(`${missing.join(' ')} Authorization=${trimmed}`);

  return {
    credential: parameters.get('Credential') as string,
    signedHeaders: (parameters.get('SignedHeaders') as string).split(';'),
    signature: parameters.get('Signature') as string,
  };
}

/** Returns the X-Amz-Date value once the headers AWS requires to be signed are known to be signed. */
function requireSignedDate(auth: AuthorizationParts, headers: IncomingSignedRequest['headers']): string {
  if (!auth.signedHeaders.includes('host')) {
    throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const amzDate = header(headers, 'x-amz-date');
  // AWS also accepts a signed Date header, but the smithy signer always replaces Date with X-Amz-Date,
  // so such a signature could never be reproduced. The AWS CLI and SDKs always send X-Amz-Date.
  if (amzDate === undefined || auth.signedHeaders.includes('date')) {
    throw incomplete(
      "This endpoint requires an 'X-Amz-Date' header and does not accept a signed 'Date' header.",
    );
  }
  if (!auth.signedHeaders.includes('x-amz-date')) {
    throw invalid("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return amzDate;
}

function parseAmzDate(value: string): Date {
  const match = AMZ_DATE.exec(value);
  const time = match
    ? new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]))
    : undefined;
  // The round trip rejects dates such as month 13 that Date.UTC would silently roll over.
  if (!time || formatAmzDate(time) !== value) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return time;
}

function checkClockSkew(requestTime: Date, { now, maxSkewMinutes }: VerifyOptions): void {
  const skew = maxSkewMinutes * 60_000;
  const earliest = new Date(now.getTime() - skew);
  const latest = new Date(now.getTime() + skew);
  const at = formatAmzDate(requestTime);
  if (requestTime < earliest) {
    throw invalid(
      `Signature expired: ${at} is now earlier than ${formatAmzDate(earliest)} (${formatAmzDate(now)} - ${maxSkewMinutes} min.)`,
    );
  }
  if (requestTime > latest) {
    throw invalid(
      `Signature not yet current: ${at} is still later than ${formatAmzDate(latest)} (${formatAmzDate(now)} + ${maxSkewMinutes} min.)`,
    );
  }
}

/** Checks `keyid/date/region/service/aws4_request` against the request and the service. */
function checkScope(credential: string, amzDate: string, options: VerifyOptions): Scope {
  const parts = credential.split('/');
  if (parts.length !== 5) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  const problems: string[] = [];
  if (region !== options.region) {
    problems.push(`Credential should be scoped to a valid region, not '${region}'.`);
  }
  if (!options.services.includes(service)) {
    problems.push(`Credential should be scoped to correct service: '${options.services[0]}'.`);
  }
  if (terminator !== 'aws4_request') {
    problems.push(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  }
  const day = amzDate.slice(0, 8);
  if (date !== day) {
    problems.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${day}', from '${amzDate}'.`,
    );
  }
  if (problems.length > 0) throw invalid(problems.join(' '));
  return { accessKeyId, region, service };
}

async function expectedSignature(
  request: IncomingSignedRequest,
  path: string,
  query: Record<string, string | string[]>,
  auth: AuthorizationParts,
  { region, service }: Scope,
  credential: Credential,
  requestTime: Date,
): Promise<string> {
  // The signer takes x-amz-content-sha256 as the payload hash without looking at the body (S3's model);
  // here it must be the body's real hash, or a body swapped after signing would still verify.
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const claimedHash = header(request.headers, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== bodyHash) throw invalid(SIGNATURE_MISMATCH);

  // Only the signed headers, with their values as received: anything else would change the signature.
  const signedHeaders: Record<string, string> = Object.create(null);
  for (const name of auth.signedHeaders) {
    const value = header(request.headers, name);
    if (value !== undefined) signedHeaders[name] = value;
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    region,
    service,
    sha256: NodeSha256,
    // Otherwise the signer adds an x-amz-content-sha256 header the client may not have signed.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      // Neither is signed: the client's own Host header is, among signedHeaders.
      protocol: 'http:',
      hostname: 'localhost',
      path,
      query,
      headers: signedHeaders,
      body: request.body,
    },
    // Lets the signer include headers it normally never signs (user-agent, ...) when the client did.
    { signingDate: requestTime, signableHeaders: new Set(auth.signedHeaders) },
  );
  return /Signature=([0-9a-f]+)$/.exec(signed.headers.authorization ?? '')?.[1] ?? '';
}

/** Decoded key/value pairs; the signer re-encodes them in canonical form. */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return query;
}

function decode(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    return component;
  }
}

function header(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function formatAmzDate(time: Date): string {
  return time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}
