import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  ACMClient,
  type ACMClientConfig,
  ListCertificatesCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-acm';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Account, lookupCredential } from '../../local/auth/accounts-file.ts';
import { AuthError, type IncomingSignedRequest, verifySigV4 } from '../../local/auth/sigv4-verifier.ts';

const ACCOUNTS: Account[] = [
  {
    accountId: '111122223333',
    accessKeys: [
      { accessKeyId: 'AKIAVERIFIERTEST0001', secretAccessKey: 'verifier/test+secret/0123456789abcdefghij' },
    ],
  },
];
const GOOD = ACCOUNTS[0]?.accessKeys[0] as { accessKeyId: string; secretAccessKey: string };
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AWS_CLI = '/usr/bin/aws';

const verifyOptions = (now: Date) => ({
  lookup: (accessKeyId: string) => lookupCredential(ACCOUNTS, accessKeyId),
  region: 'us-east-1',
  services: ['acm', 'execute-api'],
  now,
  maxSkewMinutes: 15,
});

type Observed = { status: number; type?: string; message?: string; accountId?: string };

let server: Server;
let endpoint: string;
let host: string;
const observed: Observed[] = [];

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const answer = (status: number, body: object, seen: Observed) => {
      observed.push(seen);
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    try {
      const caller = await verifySigV4(
        {
          method: request.method ?? 'GET',
          path: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks),
        },
        verifyOptions(new Date()),
      );
      answer(200, { CertificateSummaryList: [] }, { status: 200, accountId: caller.accountId });
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const body = { __type: error.code, message: error.message };
      answer(error.status, body, { status: error.status, type: error.code, message: error.message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  endpoint = `http://${host}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  observed.length = 0;
});

function acm(config: Partial<ACMClientConfig> = {}): ACMClient {
  return new ACMClient({ endpoint, region: 'us-east-1', credentials: GOOD, ...config });
}

/** A request signed by hand with the SDK's signer, sent with fetch. */
async function signedFetch(options: {
  service?: string;
  path?: string;
  body?: string;
  sentBody?: string;
  date?: Date;
  applyChecksum?: boolean;
}): Promise<{ status: number; json: { __type?: string; message?: string } }> {
  const body = options.body ?? '{}';
  const [path = '/', rawQuery] = (options.path ?? '/').split('?');
  const query = Object.fromEntries(new URLSearchParams(rawQuery ?? ''));
  const signer = new SignatureV4({
    credentials: GOOD,
    region: 'us-east-1',
    service: options.service ?? 'acm',
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path,
      query,
      headers: {
        host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CertificateManager.ListCertificates',
      },
      body,
    },
    { signingDate: options.date ?? new Date() },
  );
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(`${endpoint}${options.path ?? '/'}`, {
    method: 'POST',
    headers,
    body: options.sentBody ?? body,
  });
  return { status: response.status, json: (await response.json()) as { __type?: string; message?: string } };
}

function runAwsCli(secretAccessKey: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: GOOD.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  const args = [
    'acm',
    'list-certificates',
    '--endpoint-url',
    endpoint,
    '--region',
    'us-east-1',
    '--output',
    'json',
  ];
  return new Promise((resolve) => {
    execFile(AWS_CLI, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('verifySigV4 behind an HTTP server, called by @aws-sdk/client-acm', () => {
  it('accepts a request signed with valid credentials and names the account', async () => {
    const output = await acm().send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    expect(output.CertificateSummaryList).toEqual([]);
    expect(observed).toEqual([{ status: 200, accountId: '111122223333' }]);
  });

  it('rejects a wrong secret with InvalidSignatureException', async () => {
    const client = acm({ credentials: { accessKeyId: GOOD.accessKeyId, secretAccessKey: 'not-the-secret' } });
    await expect(client.send(new ListCertificatesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: MISMATCH,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    const client = acm({
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: GOOD.secretAccessKey },
    });
    await expect(client.send(new ListCertificatesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects a client signing for another region', async () => {
    await expect(acm({ region: 'eu-west-1' }).send(new ListCertificatesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'.",
    });
  });

  it('rejects a clock an hour slow as expired when the SDK may not retry', async () => {
    const client = acm({ systemClockOffset: -3_600_000, maxAttempts: 1 });
    const error = await client.send(new ListCertificatesCommand({})).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'InvalidSignatureException' });
    expect((error as Error).message).toMatch(
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
    );
  });

  it('lets the SDK correct its clock from our Date header after the expired answer', async () => {
    const client = acm({ systemClockOffset: -3_600_000 });
    const output = await client.send(new ListCertificatesCommand({}));
    expect(output.CertificateSummaryList).toEqual([]);
    expect(observed[0]).toMatchObject({ status: 400, type: 'InvalidSignatureException' });
    expect(observed[0]?.message).toMatch(/^Signature expired: /);
    expect(observed.at(-1)).toEqual({ status: 200, accountId: '111122223333' });
  });

  it('rejects a body changed after the SDK signed it', async () => {
    const client = acm();
    type Args = { input: ServiceInputTypes; request: unknown };
    type Next = (args: Args) => Promise<{ output: ServiceOutputTypes; response: unknown }>;
    const tamperAfterSigning = (next: Next) => async (args: Args) => {
      const request = args.request as { body: Uint8Array | string };
      const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      request.body = text.replace('ISSUED', 'FAILED');
      return next(args);
    };
    client.middlewareStack.addRelativeTo(tamperAfterSigning, {
      name: 'tamperAfterSigning',
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
    });
    await expect(
      client.send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: MISMATCH,
    });
    expect(observed).toHaveLength(1);
  });
});

describe('verifySigV4 behind an HTTP server, called by hand', () => {
  it('answers an unsigned request with IncompleteSignatureException', async () => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CertificateManager.ListCertificates',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'IncompleteSignatureException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('accepts the execute-api signing name (API Gateway in front of the API)', async () => {
    expect(await signedFetch({ service: 'execute-api' })).toEqual({
      status: 200,
      json: { CertificateSummaryList: [] },
    });
  });

  it('rejects a signing name that is neither acm nor execute-api', async () => {
    expect(await signedFetch({ service: 'kms' })).toEqual({
      status: 400,
      json: {
        __type: 'InvalidSignatureException',
        message: "Credential should be scoped to correct service: 'acm'.",
      },
    });
  });

  it('canonicalises a non-root path and a query string as the signer does', async () => {
    const result = await signedFetch({ path: '/some/path%20x?b=2&a=1&z=a%20b%2Bc&empty=' });
    expect(result).toEqual({ status: 200, json: { CertificateSummaryList: [] } });
  });

  it('rejects a changed body when no x-amz-content-sha256 header was signed', async () => {
    const result = await signedFetch({
      applyChecksum: false,
      body: '{"MaxItems":10}',
      sentBody: '{"MaxItems":99}',
    });
    expect(result).toEqual({ status: 400, json: { __type: 'InvalidSignatureException', message: MISMATCH } });
  });

  it('rejects a request signed 20 minutes in the future', async () => {
    const result = await signedFetch({ date: new Date(Date.now() + 20 * 60_000) });
    expect(result.status).toBe(400);
    expect(result.json.message).toMatch(
      /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/,
    );
  });
});

describe('verifySigV4 with the real AWS CLI v2', () => {
  it('lets `aws acm list-certificates` through and prints the empty list', async () => {
    const { code, stdout, stderr } = await runAwsCli(GOOD.secretAccessKey);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({ CertificateSummaryList: [] });
    expect(observed).toEqual([{ status: 200, accountId: '111122223333' }]);
  });

  it('fails with exit code 254 and InvalidSignatureException for a wrong secret', async () => {
    const { code, stderr } = await runAwsCli('wrong-secret-wrong-secret-wrong-secret00');
    expect(code).toBe(254);
    expect(stderr).toContain(
      'An error occurred (InvalidSignatureException) when calling the ListCertificates operation',
    );
  });
});

describe('verifySigV4 error messages', () => {
  const NOW = new Date('2026-11-28T19:34:33.250Z');
  const AMZ_DATE = '20261128T193433Z';
  const SCOPE = `${GOOD.accessKeyId}/20261128/us-east-1/acm/aws4_request`;

  function request(headers: Record<string, string>, path = '/'): IncomingSignedRequest {
    return { method: 'POST', path, headers: { host: 'localhost:1', ...headers }, body: new Uint8Array() };
  }
  function authorization(parts: { credential?: string; signedHeaders?: string; signature?: string }): string {
    const credential = parts.credential ?? SCOPE;
    const signedHeaders = parts.signedHeaders ?? 'host;x-amz-date';
    return `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${parts.signature ?? '0'.repeat(64)}`;
  }
  async function rejection(incoming: IncomingSignedRequest): Promise<{ code: string; message: string }> {
    const error = await verifySigV4(incoming, verifyOptions(NOW)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    const { code, message, status } = error as AuthError;
    expect(status).toBe(400);
    return { code, message };
  }

  it('treats an empty Authorization header as missing', async () => {
    expect(await rejection(request({ authorization: ' ', 'x-amz-date': AMZ_DATE }))).toEqual({
      code: 'IncompleteSignatureException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('names each missing Authorization parameter and the missing date, like AWS', async () => {
    const header = `AWS4-HMAC-SHA256 Credential=${SCOPE}`;
    expect(await rejection(request({ authorization: header }))).toEqual({
      code: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${header}`,
    });
  });

  it('rejects another algorithm and a parameter without "="', async () => {
    expect(await rejection(request({ authorization: 'Bearer abc', 'x-amz-date': AMZ_DATE }))).toEqual({
      code: 'IncompleteSignatureException',
      message: "Unsupported AWS 'algorithm': 'Bearer'.",
    });
    const header = 'AWS4-HMAC-SHA256 Credential';
    expect((await rejection(request({ authorization: header, 'x-amz-date': AMZ_DATE }))).message).toBe(
      `'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'`,
    );
  });

  it('requires Host and X-Amz-Date to be signed', async () => {
    expect(
      await rejection(
        request({ authorization: authorization({ signedHeaders: 'x-amz-date' }), 'x-amz-date': AMZ_DATE }),
      ),
    ).toEqual({
      code: 'InvalidSignatureException',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    });
    expect(
      await rejection(
        request({ authorization: authorization({ signedHeaders: 'host' }), 'x-amz-date': AMZ_DATE }),
      ),
    ).toEqual({
      code: 'InvalidSignatureException',
      message: "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('rejects a request dated only by the Date header', async () => {
    const incoming = request({ authorization: authorization({}), date: 'Sat, 28 Nov 2026 19:34:33 GMT' });
    expect((await rejection(incoming)).code).toBe('IncompleteSignatureException');
  });

  it('rejects an X-Amz-Date that is not ISO-8601 basic format', async () => {
    const incoming = request({ authorization: authorization({}), 'x-amz-date': '2026-11-28T19:34:33Z' });
    expect(await rejection(incoming)).toEqual({
      code: 'IncompleteSignatureException',
      message:
        "Date must be in ISO-8601 'basic format'. Got '2026-11-28T19:34:33Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
  });

  it('reports an expired signature with the AWS wording and the 15-minute window', async () => {
    const incoming = request({ authorization: authorization({}), 'x-amz-date': '20261128T191000Z' });
    expect(await rejection(incoming)).toEqual({
      code: 'InvalidSignatureException',
      message:
        'Signature expired: 20261128T191000Z is now earlier than 20261128T191933Z (20261128T193433Z - 15 min.)',
    });
  });

  it('reports every scope problem: region, service, terminator and date', async () => {
    const credential = `${GOOD.accessKeyId}/20261127/us-west-2/kms/aws5_request`;
    const incoming = request({ authorization: authorization({ credential }), 'x-amz-date': AMZ_DATE });
    expect(await rejection(incoming)).toEqual({
      code: 'InvalidSignatureException',
      message:
        "Credential should be scoped to a valid region, not 'us-west-2'. " +
        "Credential should be scoped to correct service: 'acm'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261127' != '20261128', from '20261128T193433Z'.",
    });
  });

  it('rejects a credential without five parts', async () => {
    const incoming = request({
      authorization: authorization({ credential: 'AKIA/20261128' }),
      'x-amz-date': AMZ_DATE,
    });
    expect(await rejection(incoming)).toEqual({
      code: 'IncompleteSignatureException',
      message:
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIA/20261128'",
    });
  });

  it('rejects presigned query-string authentication', async () => {
    const incoming = request(
      {},
      `/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(SCOPE)}`,
    );
    expect((await rejection(incoming)).code).toBe('IncompleteSignatureException');
  });

  it('rejects a session token, since every local key is long-term', async () => {
    const incoming = request({
      authorization: authorization({}),
      'x-amz-date': AMZ_DATE,
      'x-amz-security-token': 'token',
    });
    expect((await rejection(incoming)).code).toBe('UnrecognizedClientException');
  });

  it('rejects a signature of the wrong length without comparing it', async () => {
    const incoming = request({ authorization: authorization({ signature: 'abc' }), 'x-amz-date': AMZ_DATE });
    expect(await rejection(incoming)).toEqual({ code: 'InvalidSignatureException', message: MISMATCH });
  });
});
