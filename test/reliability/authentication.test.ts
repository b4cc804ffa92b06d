/**
 * Authentication end to end, through the local stack's HTTP server with raw requests signed by hand
 * (@smithy/signature-v4, as the SDKs sign): no signature, a wrong secret, a body changed after signing, a
 * request replayed 16 minutes after it was signed (or dated 16 minutes ahead), a wrong service or region in
 * the scope, an unknown key, and a good key of another account. Every one is refused with AWS's error code,
 * the refusal reveals nothing (no certificate data, no ARN, no secret, not even whether the certificate
 * exists), and nothing is written. The verifier's finer cases are in test/unit/sigv4-verifier.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetCertificateCommand } from '@aws-sdk/client-acm';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import { TABLE_NAME } from '../../local/embedded-table.ts';
import { signPost } from '../../local/signed-post.ts';
import { runAwsCli } from '../support/aws-cli.ts';
import { eventually } from '../support/eventually.ts';
import { issuedArn } from '../support/issued-certificate.ts';
import { ACCOUNT_A, ACCOUNT_B, cliTarget, REGION, useLocalStack } from '../support/local-stack-harness.ts';

const local = useLocalStack();

type Credentials = { accessKeyId: string; secretAccessKey: string };

interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

interface Answer {
  status: number;
  body: string;
  /** Every header and the body, as one text to search. */
  raw: string;
}

const MINUTE_MS = 60_000;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** A POST / to the ACM API, signed as an SDK signs it, but with any credentials, scope and date. */
async function sign(
  target: string,
  payload: object,
  options: { credentials?: Credentials; region?: string; service?: string; signingDate?: Date } = {},
): Promise<SignedRequest> {
  const { headers, body } = await signPost(
    local.stack.url,
    {
      credentials: options.credentials ?? ACCOUNT_A,
      region: options.region ?? REGION,
      service: options.service ?? 'acm',
      contentType: 'application/x-amz-json-1.1',
      target: `CertificateManager.${target}`,
      body: JSON.stringify(payload),
    },
    { signingDate: options.signingDate },
  );
  return { headers, body: body as string };
}

async function send(request: SignedRequest): Promise<Answer> {
  const response = await fetch(`${local.stack.url}/`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  const body = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  return { status: response.status, body, raw: `${headers}\n\n${body}` };
}

/** The answer's status and JSON body, with dates (which move with the clock) masked. */
function comparable(answer: Answer): { status: number; json: unknown } {
  return { status: answer.status, json: JSON.parse(answer.body.replace(/\d{8}T\d{6}Z/g, '<date>')) };
}

/** Every item of the table, in key order. */
async function tableDump(): Promise<string[]> {
  const items: string[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await local.stack.dynamodb.send(
      new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return items.sort();
}

const DOMAIN = 'auth-secret.local.test';
let arn: string;
let certificatePem: string;
/** An ARN in account A's space that names no certificate. */
let missingArn: string;
/** What no refusal may contain. */
let secrets: string[];

beforeAll(async () => {
  arn = await issuedArn(local.client(), {
    DomainName: DOMAIN,
    ValidationMethod: 'DNS',
    Tags: [{ Key: 'owner', Value: 'team-a-private' }],
  });
  const { Certificate } = await local.client().send(new GetCertificateCommand({ CertificateArn: arn }));
  certificatePem = Certificate as string;
  missingArn = arn.replace(parseCertificateArn(arn).certificateId, randomUUID());
  // Nothing is written in the background any more: issuance announced, so the table dump stays put.
  await eventually(async () => {
    const { accountId, certificateId } = parseCertificateArn(arn);
    return (await local.stack.store.get(accountId, certificateId))?.issued?.announcedAt !== undefined;
  }, 'the issuance to be announced');
  const bodyLines = certificatePem.split('\n').filter((line) => line && !line.startsWith('-----'));
  secrets = [
    arn,
    parseCertificateArn(arn).certificateId,
    DOMAIN,
    'team-a-private',
    ...bodyLines.slice(0, 3),
    ACCOUNT_A.secretAccessKey,
    ACCOUNT_B.secretAccessKey,
  ];
});

function expectNothingRevealed(answer: Answer, what: string): void {
  for (const secret of secrets) expect(answer.raw, `${what} reveals ${secret}`).not.toContain(secret);
}

/** Calls that would read or change account A's certificate (or create one) if they got through. */
function sensitiveCalls(certificateArn: string): Array<[string, object]> {
  return [
    ['GetCertificate', { CertificateArn: certificateArn }],
    ['DescribeCertificate', { CertificateArn: certificateArn }],
    ['ListCertificates', {}],
    ['AddTagsToCertificate', { CertificateArn: certificateArn, Tags: [{ Key: 'intruder' }] }],
    ['DeleteCertificate', { CertificateArn: certificateArn }],
    ['RequestCertificate', { DomainName: 'intruder.local.test', ValidationMethod: 'DNS' }],
  ];
}

describe('requests that are not properly signed', () => {
  const now = () => new Date();
  const cases: Array<{
    what: string;
    sign: (target: string, payload: object) => Promise<SignedRequest>;
    error: { __type: string; message: string | RegExp };
  }> = [
    {
      what: 'no signature',
      sign: async (target, payload) => {
        const { headers, body } = await sign(target, payload);
        const { authorization: _authorization, ...unsigned } = headers;
        return { headers: unsigned, body };
      },
      error: { __type: 'IncompleteSignatureException', message: 'Request is missing Authentication Token' },
    },
    {
      what: 'a wrong secret',
      sign: (target, payload) =>
        sign(target, payload, {
          credentials: { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_B.secretAccessKey },
        }),
      error: { __type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    },
    {
      what: 'a request replayed 16 minutes after it was signed',
      sign: (target, payload) =>
        sign(target, payload, { signingDate: new Date(now().getTime() - 16 * MINUTE_MS) }),
      error: {
        __type: 'InvalidSignatureException',
        message:
          /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
      },
    },
    {
      what: 'a request dated 16 minutes ahead',
      sign: (target, payload) =>
        sign(target, payload, { signingDate: new Date(now().getTime() + 16 * MINUTE_MS) }),
      error: { __type: 'InvalidSignatureException', message: /^Signature not yet current: / },
    },
    {
      what: 'a signature scoped to another service',
      sign: (target, payload) => sign(target, payload, { service: 's3' }),
      error: {
        __type: 'InvalidSignatureException',
        message: "Credential should be scoped to correct service: 'acm'.",
      },
    },
    {
      what: 'a signature scoped to another region',
      sign: (target, payload) => sign(target, payload, { region: 'eu-west-1' }),
      error: {
        __type: 'InvalidSignatureException',
        message: "Credential should be scoped to a valid region, not 'eu-west-1'.",
      },
    },
    {
      what: 'an unknown access key',
      sign: (target, payload) =>
        sign(target, payload, {
          credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: ACCOUNT_A.secretAccessKey },
        }),
      error: {
        __type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    },
  ];

  it('refuses each with AWS’s error, reveals nothing, and writes nothing', async () => {
    const tableBefore = await tableDump();
    const eventsBefore = await readFile(local.stack.eventLogPath, 'utf8');
    for (const { what, sign: signBadly, error } of cases) {
      for (const [target, payload] of sensitiveCalls(arn)) {
        const answer = await send(await signBadly(target, payload));
        const context = `${what}, ${target}`;
        expect(answer.status, context).toBe(400);
        expect(JSON.parse(answer.body), context).toEqual({
          __type: error.__type,
          message: expect.any(String),
        });
        expect(JSON.parse(answer.body).message, context).toMatch(error.message);
        expectNothingRevealed(answer, context);
      }
      // A certificate that exists and one that does not get the same refusal.
      const existing = await send(await signBadly('DescribeCertificate', { CertificateArn: arn }));
      const missing = await send(await signBadly('DescribeCertificate', { CertificateArn: missingArn }));
      expect(comparable(missing), what).toEqual(comparable(existing));
    }
    expect(await tableDump()).toEqual(tableBefore);
    expect(await readFile(local.stack.eventLogPath, 'utf8')).toBe(eventsBefore);
  });

  it('refuses a captured request re-sent with its body or target changed', async () => {
    const captured = await sign('DescribeCertificate', { CertificateArn: arn });
    // Sent as captured, it is good: the signing itself is right.
    const original = await send(captured);
    expect(original.status).toBe(200);
    expect(JSON.parse(original.body).Certificate.CertificateArn).toBe(arn);

    const tableBefore = await tableDump();
    const tampered: Array<[string, SignedRequest]> = [
      [
        'a body naming another operation’s input',
        { ...captured, body: JSON.stringify({ CertificateArn: missingArn }) },
      ],
      [
        'a delete in place of the describe',
        {
          ...captured,
          headers: { ...captured.headers, 'x-amz-target': 'CertificateManager.DeleteCertificate' },
        },
      ],
      [
        'a body with one more member',
        { ...captured, body: JSON.stringify({ CertificateArn: arn, MaxItems: 1 }) },
      ],
    ];
    for (const [what, request] of tampered) {
      const answer = await send(request);
      expect({ what, status: answer.status, json: JSON.parse(answer.body) }).toEqual({
        what,
        status: 400,
        json: { __type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
      });
      expectNothingRevealed(answer, what);
    }
    expect(await tableDump()).toEqual(tableBefore);
  });
});

describe('a good key of another account', () => {
  const asB = (target: string, payload: object) => sign(target, payload, { credentials: ACCOUNT_B });

  /** Every operation on one certificate, as account B would call it. */
  function certificateCalls(certificateArn: string): Array<[string, object]> {
    const resource = 'arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/b/1';
    return [
      ['DescribeCertificate', { CertificateArn: certificateArn }],
      ['GetCertificate', { CertificateArn: certificateArn }],
      ['ListTagsForCertificate', { CertificateArn: certificateArn }],
      ['ListCertificateDomainValidations', { CertificateArn: certificateArn }],
      ['AddTagsToCertificate', { CertificateArn: certificateArn, Tags: [{ Key: 'intruder' }] }],
      ['RemoveTagsFromCertificate', { CertificateArn: certificateArn, Tags: [{ Key: 'owner' }] }],
      [
        'UpdateCertificateOptions',
        { CertificateArn: certificateArn, Options: { CertificateTransparencyLoggingPreference: 'DISABLED' } },
      ],
      [
        'ExportCertificate',
        { CertificateArn: certificateArn, Passphrase: Buffer.from('passphrase').toString('base64') },
      ],
      ['RenewCertificate', { CertificateArn: certificateArn }],
      ['RevokeCertificate', { CertificateArn: certificateArn, RevocationReason: 'KEY_COMPROMISE' }],
      ['AssociateCertificate', { CertificateArn: certificateArn, ResourceArn: resource }],
      ['DisassociateCertificate', { CertificateArn: certificateArn, ResourceArn: resource }],
      ['ValidateNow', { CertificateArn: certificateArn }],
      ['DeleteCertificate', { CertificateArn: certificateArn }],
    ];
  }

  it("finds none of account A's certificates, as if they did not exist, and changes none", async () => {
    const tableBefore = await tableDump();
    const calls = certificateCalls(arn);
    const nowhere = certificateCalls(missingArn);
    for (const [index, [target, payload]] of calls.entries()) {
      const answer = await send(await asB(target, payload));
      expect({ target, status: answer.status, json: JSON.parse(answer.body) }).toEqual({
        target,
        status: 400,
        json: { __type: 'ResourceNotFoundException', message: `Could not find certificate ${arn}.` },
      });
      // The caller's own ARN is echoed, as by ACM; nothing else of the certificate is.
      expectNothingRevealed({ ...answer, raw: answer.raw.replaceAll(arn, '<arn>') }, `B ${target}`);

      const [, missingPayload] = nowhere[index] as [string, object];
      const elsewhere = await send(await asB(target, missingPayload));
      expect(elsewhere.body.replaceAll(missingArn, '<arn>'), target).toBe(
        answer.body.replaceAll(arn, '<arn>'),
      );
    }
    expect(await tableDump()).toEqual(tableBefore);
  });

  it("lists none of account A's certificates", async () => {
    const lists: Array<[string, object]> = [
      [
        'ListCertificates',
        {
          Includes: { keyTypes: ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1'] },
          MaxItems: 1000,
        },
      ],
      ['SearchCertificates', {}],
    ];
    for (const [target, payload] of lists) {
      const answer = await send(await asB(target, payload));
      expect({ target, status: answer.status }).toEqual({ target, status: 200 });
      expectNothingRevealed(answer, `B ${target}`);
      expect(answer.body, target).not.toContain(ACCOUNT_A.accountId);
    }
  });

  it('gets the same answer from the AWS CLI', async () => {
    const { code, stderr } = await runAwsCli(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cliTarget(local.stack, ACCOUNT_B),
    );
    expect(code).toBe(254);
    expect(stderr).toContain(
      `An error occurred (ResourceNotFoundException) when calling the DescribeCertificate operation: Could not find certificate ${arn}.`,
    );
  });
});
