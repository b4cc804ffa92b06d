import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedPostRequest {
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** The service the signature is scoped to (`acm`, `execute-api`). */
  service: string;
  contentType: string;
  /** The X-Amz-Target header. */
  target: string;
  body: string | Uint8Array<ArrayBuffer>;
}

/**
 * The headers and body of a POST to `<baseUrl>/`, signed with SigV4 as an SDK client signs it: for the
 * operations no SDK has (RunSchedule, ValidateNow), and for tests that send what no SDK would.
 */
export async function signPost(
  baseUrl: string,
  request: SignedPostRequest,
  options: { signingDate?: Date } = {},
): Promise<{ headers: Record<string, string>; body: SignedPostRequest['body'] }> {
  const url = new URL(baseUrl);
  const { credentials, region, service, body } = request;
  const signed = await new SignatureV4({ credentials, region, service, sha256: Sha256 }).sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': request.contentType, 'x-amz-target': request.target },
      body,
    },
    { signingDate: options.signingDate ?? new Date() },
  );
  // fetch sends the same Host itself and refuses to be given one.
  const { host: _host, ...headers } = signed.headers;
  return { headers, body };
}

/** A POST to `<baseUrl>/`, signed with SigV4 as an SDK client signs it. */
export async function fetchSignedPost(baseUrl: string, request: SignedPostRequest): Promise<Response> {
  const { headers, body } = await signPost(baseUrl, request);
  return fetch(`${baseUrl}/`, { method: 'POST', headers, body });
}
