import { X509Certificate } from 'node:crypto';
import {
  ACMClient,
  type CertificateSummary,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  GetCertificateCommand,
  type KeyAlgorithm,
  ListCertificatesCommand,
  type ListCertificatesCommandInput,
  RequestCertificateCommand,
  type RequestCertificateCommandInput,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateArn } from '../../functions/core/arn.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { fetchSignedPost } from '../../local/signed-post.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { eventually } from '../support/eventually.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';

// The ACM JSON 1.1 API as a stock SDK client (and a hand-signed fetch) sees it: idempotency (concurrent
// requests with one token are in test/reliability/concurrency.test.ts), account isolation, pagination,
// ACM's error codes, and the CertificateDetail of a pending request. Names under example.test are never
// published in BIND, so those certificates stay PENDING_VALIDATION; names under the harness's local zone
// (local.test) validate on their own.

type Account = typeof ACCOUNT_A;

const ALL_REQUESTABLE_KEY_TYPES: KeyAlgorithm[] = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
];

let bind: BindServer;
let stack: LocalStack;
let cleanupDataDir: () => Promise<void>;
let acmA: ACMClient;
let acmB: ACMClient;

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  stack = await startTestStack(testSettings(data.dataDir, { dnsResolvers: bind.address }));
  acmA = client(ACCOUNT_A);
  acmB = client(ACCOUNT_B);
});

afterAll(async () => {
  acmA?.destroy();
  acmB?.destroy();
  await stack?.stop();
  await bind?.stop();
  await cleanupDataDir?.();
});

/** An SDK client that never retries, so a 500 or a throttled call shows up instead of being hidden. */
function client(account: Account): ACMClient {
  return new ACMClient({
    endpoint: stack.url,
    region: REGION,
    maxAttempts: 1,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
  });
}

async function request(
  acm: ACMClient,
  input: Partial<RequestCertificateCommandInput> & { DomainName: string },
): Promise<string> {
  const { CertificateArn } = await acm.send(
    new RequestCertificateCommand({ ValidationMethod: 'DNS', ...input }),
  );
  if (!CertificateArn) throw new Error(`RequestCertificate for ${input.DomainName} returned no ARN`);
  return CertificateArn;
}

async function describeCertificate(acm: ACMClient, arn: string) {
  const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${arn}`);
  return Certificate;
}

interface Failure {
  name: string;
  message: string;
  status: number | undefined;
}

/** The error a call failed with; fails the test if the call succeeded. */
async function failure(call: Promise<unknown>): Promise<Failure> {
  const outcome = await call.then(
    (value) => ({ succeeded: true as const, value }),
    (error: unknown) => ({ succeeded: false as const, error }),
  );
  if (outcome.succeeded)
    throw new Error(`expected the call to fail, it returned ${JSON.stringify(outcome.value)}`);
  const error = outcome.error as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

/** Every page of ListCertificates for `input`, following NextToken. */
async function listPages(
  acm: ACMClient,
  input: ListCertificatesCommandInput = {},
): Promise<CertificateSummary[][]> {
  const pages: CertificateSummary[][] = [];
  let NextToken: string | undefined;
  do {
    const page = await acm.send(new ListCertificatesCommand({ ...input, NextToken }));
    pages.push(page.CertificateSummaryList ?? []);
    NextToken = page.NextToken;
    if (pages.length > 1000) throw new Error('ListCertificates never stopped returning NextToken');
  } while (NextToken);
  return pages;
}

/** Every certificate of the account, whatever its status and key type. */
async function listEverything(acm: ACMClient): Promise<CertificateSummary[]> {
  return (await listPages(acm, { Includes: { keyTypes: ALL_REQUESTABLE_KEY_TYPES } })).flat();
}

function arnsOf(summaries: CertificateSummary[]): string[] {
  return summaries.map((summary) => summary.CertificateArn as string);
}

/** A POST / signed as the SDK signs it, with any target and body. */
async function signedPost(
  target: string,
  body: string,
  account: Account = ACCOUNT_A,
): Promise<{ status: number; contentType: string | null; json: Record<string, unknown> }> {
  const response = await fetchSignedPost(stack.url, {
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    region: REGION,
    service: 'acm',
    contentType: 'application/x-amz-json-1.1',
    target,
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    json: (await response.json()) as Record<string, unknown>,
  };
}

describe('IdempotencyToken', () => {
  it('does not bring a deleted certificate back when its token is repeated within the hour', async () => {
    const token = 'deleteThenRepeat';
    const arn = await request(acmA, { DomainName: 'deleted.example.test', IdempotencyToken: token });
    await acmA.send(new DeleteCertificateCommand({ CertificateArn: arn }));
    const afterDelete = arnsOf(await listEverything(acmA)).sort();
    expect(afterDelete).not.toContain(arn);

    // The repeat may even ask for something else: it gets the token's ARN, and nothing is created.
    expect(await request(acmA, { DomainName: 'repeat.example.test', IdempotencyToken: token })).toBe(arn);
    expect(await failure(acmA.send(new DescribeCertificateCommand({ CertificateArn: arn })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${arn}.`,
      status: 400,
    });
    expect(arnsOf(await listEverything(acmA)).sort()).toEqual(afterDelete);
    const { accountId, certificateId } = parseCertificateArn(arn);
    expect(await stack.store.get(accountId, certificateId)).toBeUndefined();
  });
});

describe('account isolation', () => {
  it("answers another account's ARN with ResourceNotFoundException and never touches it", async () => {
    const arn = await request(acmA, { DomainName: 'isolated.example.test' });
    const notFound = `Could not find certificate ${arn}.`;

    for (const call of [
      acmB.send(new DescribeCertificateCommand({ CertificateArn: arn })),
      acmB.send(new GetCertificateCommand({ CertificateArn: arn })),
      acmB.send(new DeleteCertificateCommand({ CertificateArn: arn })),
    ]) {
      expect(await failure(call)).toEqual({
        name: 'ResourceNotFoundException',
        message: notFound,
        status: 400,
      });
    }
    expect(arnsOf(await listEverything(acmB))).not.toContain(arn);

    // B's delete attempt left it alone.
    const stillThere = await describeCertificate(acmA, arn);
    expect(stillThere).toMatchObject({ CertificateArn: arn, Status: 'PENDING_VALIDATION' });
    expect(arnsOf(await listEverything(acmA))).toContain(arn);
    const { accountId, certificateId } = parseCertificateArn(arn);
    expect((await stack.store.get(accountId, certificateId))?.arn).toBe(arn);

    // An unknown ARN in the caller's own account gets the very same answer: nothing tells the two apart.
    const unknown = arn.replace(ACCOUNT_A.accountId, ACCOUNT_B.accountId);
    expect(await failure(acmB.send(new DescribeCertificateCommand({ CertificateArn: unknown })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${unknown}.`,
      status: 400,
    });
  });
});

describe('ListCertificates', () => {
  const keyTypes: KeyAlgorithm[] = ['EC_secp384r1'];
  const pending: string[] = [];
  let issued: string;

  beforeAll(async () => {
    // 24 pending certificates and one issued one, all of a key type nothing else in this file uses.
    pending.push(
      ...(await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          request(acmA, { DomainName: `page-${index}.example.test`, KeyAlgorithm: 'EC_secp384r1' }),
        ),
      )),
    );
    issued = await request(acmA, { DomainName: 'page-issued.local.test', KeyAlgorithm: 'EC_secp384r1' });
    await eventually(
      async () => (await describeCertificate(acmA, issued)).Status === 'ISSUED',
      `${issued} to be issued`,
    );
  });

  it('pages with MaxItems through every certificate exactly once', async () => {
    const pages = await listPages(acmA, { MaxItems: 7, Includes: { keyTypes } });
    expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 4]);
    const listed = arnsOf(pages.flat());
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...pending, issued].sort());
    // The wire quirk: hyphenated, although the SDK's enum type says EC_secp384r1.
    expect(new Set(pages.flat().map((summary) => String(summary.KeyAlgorithm)))).toEqual(
      new Set(['EC-secp384r1']),
    );

    // One big page holds the same certificates in the same order.
    const single = await listPages(acmA, { MaxItems: 1000, Includes: { keyTypes } });
    expect(single).toHaveLength(1);
    expect(arnsOf(single[0] ?? [])).toEqual(listed);

    // As ACM, only RSA_2048 certificates are listed when no key type is named.
    const byDefault = arnsOf((await listPages(acmA, { MaxItems: 7 })).flat());
    expect(byDefault.filter((arn) => listed.includes(arn))).toEqual([]);
  });

  it('filters by CertificateStatuses, also across pages', async () => {
    const issuedOnly = (
      await listPages(acmA, { CertificateStatuses: ['ISSUED'], Includes: { keyTypes } })
    ).flat();
    expect(arnsOf(issuedOnly)).toEqual([issued]);
    expect(issuedOnly[0]).toMatchObject({ Status: 'ISSUED', DomainName: 'page-issued.local.test' });

    const pendingPages = await listPages(acmA, {
      CertificateStatuses: ['PENDING_VALIDATION'],
      Includes: { keyTypes },
      MaxItems: 7,
    });
    expect(pendingPages.map((page) => page.length)).toEqual([7, 7, 7, 3]);
    expect(arnsOf(pendingPages.flat()).sort()).toEqual([...pending].sort());

    const none = await listPages(acmA, {
      CertificateStatuses: ['FAILED', 'EXPIRED'],
      Includes: { keyTypes },
    });
    expect(none).toEqual([[]]);
  });

  it('refuses a tampered NextToken, a NextToken of another account and one of another query', async () => {
    const first = await acmA.send(new ListCertificatesCommand({ MaxItems: 7, Includes: { keyTypes } }));
    const token = first.NextToken as string;
    expect(token).toEqual(expect.any(String));
    const flip = (text: string, index: number) =>
      `${text.slice(0, index)}${text[index] === 'A' ? 'B' : 'A'}${text.slice(index + 1)}`;
    const dot = token.indexOf('.');
    const tampered = [
      flip(token, 0), // the page key
      flip(token, token.length - 2), // the MAC
      `${token}x`,
      `${token}.${token}`,
      'not-a-token',
      token.slice(0, dot),
    ];
    for (const NextToken of new Set(tampered)) {
      expect(NextToken).not.toBe(token);
      const error = await failure(
        acmA.send(new ListCertificatesCommand({ MaxItems: 7, Includes: { keyTypes }, NextToken })),
      );
      expect({ NextToken, name: error.name, status: error.status }).toEqual({
        NextToken,
        name: 'InvalidArgsException',
        status: 400,
      });
      expect(error.message).toMatch(/NextToken/);
    }

    const empty = await failure(acmA.send(new ListCertificatesCommand({ MaxItems: 7, NextToken: '' })));
    expect(empty).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(empty.message).toContain("at 'nextToken'");

    const fromA = await failure(
      acmB.send(new ListCertificatesCommand({ MaxItems: 7, Includes: { keyTypes }, NextToken: token })),
    );
    expect(fromA).toMatchObject({ name: 'InvalidArgsException', status: 400 });

    const otherQuery = await failure(
      acmA.send(
        new ListCertificatesCommand({
          MaxItems: 7,
          Includes: { keyTypes },
          CertificateStatuses: ['ISSUED'],
          NextToken: token,
        }),
      ),
    );
    expect(otherQuery).toMatchObject({ name: 'InvalidArgsException', status: 400 });

    // The untouched token still works, and for any page size.
    const second = await acmA.send(
      new ListCertificatesCommand({ MaxItems: 3, Includes: { keyTypes }, NextToken: token }),
    );
    expect(second.CertificateSummaryList).toHaveLength(3);
    expect(
      arnsOf(second.CertificateSummaryList ?? []).some((arn) =>
        arnsOf(first.CertificateSummaryList ?? []).includes(arn),
      ),
    ).toBe(false);
  });

  it('refuses MaxItems outside 1..1000 with ValidationException', async () => {
    for (const [MaxItems, bound] of [
      [0, 'greater than or equal to 1'],
      [1001, 'less than or equal to 1000'],
    ] as const) {
      const error = await failure(acmA.send(new ListCertificatesCommand({ MaxItems })));
      expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
      expect(error.message).toContain(`Value '${MaxItems}' at 'maxItems'`);
      expect(error.message).toContain(bound);
    }
    const one = await acmA.send(new ListCertificatesCommand({ MaxItems: 1, Includes: { keyTypes } }));
    expect(one.CertificateSummaryList).toHaveLength(1);
    expect(one.NextToken).toEqual(expect.any(String));
  });
});

describe('errors', () => {
  it('answers DescribeCertificate and GetCertificate mistakes with the ACM codes', async () => {
    const malformed = await failure(
      acmA.send(new DescribeCertificateCommand({ CertificateArn: 'this-is-not-a-certificate-arn' })),
    );
    expect(malformed).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(malformed.message).toContain("Value 'this-is-not-a-certificate-arn' at 'certificateArn'");

    // Well-formed for the framework, but not a certificate ARN.
    const notACertificate = `arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:certificate/not-a-uuid`;
    const invalidArn = await failure(
      acmA.send(new DescribeCertificateCommand({ CertificateArn: notACertificate })),
    );
    expect(invalidArn).toMatchObject({ name: 'InvalidArnException', status: 400 });
    expect(invalidArn.message).toContain(notACertificate);

    const missing = `arn:aws:acm:${REGION}:${ACCOUNT_A.accountId}:certificate/00000000-0000-4000-8000-000000000000`;
    const notFound = await failure(acmA.send(new DescribeCertificateCommand({ CertificateArn: missing })));
    expect(notFound).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
    expect(notFound.message).toContain(missing);

    const arn = await request(acmA, { DomainName: 'not-yet.example.test' });
    const inProgress = await failure(acmA.send(new GetCertificateCommand({ CertificateArn: arn })));
    expect(inProgress).toMatchObject({ name: 'RequestInProgressException', status: 400 });
    expect(inProgress.message).toContain(arn);
    expect(inProgress.message).toContain('PENDING_VALIDATION');
  });

  it('refuses bad RequestCertificate input with ACM codes and creates nothing', async () => {
    const before = arnsOf(await listEverything(acmA)).sort();
    const longFirstName = `${'a'.repeat(52)}.example.test`;
    expect(longFirstName).toHaveLength(65);
    const elevenNames = Array.from({ length: 10 }, (_, index) => `san${index}.example.test`);

    const cases: Array<{
      what: string;
      input: Partial<RequestCertificateCommandInput> & { DomainName: string };
      name: string;
      message: string;
    }> = [
      {
        what: 'a first name of 65 characters',
        input: { DomainName: longFirstName },
        name: 'InvalidDomainValidationOptionsException',
        message: 'The first domain name can be no longer than 64 characters.',
      },
      {
        what: '11 names',
        input: { DomainName: 'eleven.example.test', SubjectAlternativeNames: elevenNames },
        name: 'LimitExceededException',
        message: 'Certificate has too many domains.',
      },
      {
        what: 'a Unicode name',
        input: { DomainName: 'bücher.example.test' },
        name: 'ValidationException',
        message: "Value 'bücher.example.test' at 'domainName'",
      },
      {
        what: 'a Unicode subject alternative name',
        input: {
          DomainName: 'ascii.example.test',
          SubjectAlternativeNames: ['ascii.example.test', 'ü.example.test'],
        },
        name: 'ValidationException',
        message: "at 'subjectAlternativeNames.2.member'",
      },
      {
        what: 'a wildcard that is not the leftmost label',
        input: { DomainName: 'a.*.example.test' },
        name: 'ValidationException',
        message: "Value 'a.*.example.test' at 'domainName'",
      },
      {
        what: 'KeyAlgorithm RSA_1024',
        input: { DomainName: 'rsa1024.example.test', KeyAlgorithm: 'RSA_1024' },
        name: 'ValidationException',
        message: "Value 'RSA_1024' at 'keyAlgorithm'",
      },
      {
        what: 'a tag key starting with aws:',
        input: { DomainName: 'tags.example.test', Tags: [{ Key: 'aws:owner', Value: 'me' }] },
        name: 'InvalidTagException',
        message: "'aws:owner'",
      },
      {
        what: 'an IdempotencyToken with a hyphen',
        input: { DomainName: 'token.example.test', IdempotencyToken: 'has-hyphen' },
        name: 'ValidationException',
        message: "Value 'has-hyphen' at 'idempotencyToken'",
      },
      {
        what: 'a ValidationDomain that is not a superdomain',
        input: {
          DomainName: 'www.dvo.example.test',
          DomainValidationOptions: [{ DomainName: 'www.dvo.example.test', ValidationDomain: 'other.test' }],
        },
        name: 'InvalidDomainValidationOptionsException',
        message: 'other.test',
      },
      {
        what: 'a ValidationDomain that only ends with the same letters',
        input: {
          DomainName: 'www.dvo.example.test',
          DomainValidationOptions: [
            { DomainName: 'www.dvo.example.test', ValidationDomain: 'o.example.test' },
          ],
        },
        name: 'InvalidDomainValidationOptionsException',
        message: 'o.example.test',
      },
      {
        what: 'ValidationMethod HTTP',
        input: { DomainName: 'http.example.test', ValidationMethod: 'HTTP' },
        name: 'InvalidParameterException',
        message:
          'ValidationMethod HTTP is not supported; request the certificate with ValidationMethod DNS or EMAIL',
      },
      {
        what: 'a CertificateAuthorityArn',
        input: {
          DomainName: 'private.example.test',
          CertificateAuthorityArn: `arn:aws:acm-pca:${REGION}:${ACCOUNT_A.accountId}:certificate-authority/x`,
        },
        name: 'InvalidParameterException',
        message: 'CertificateAuthorityArn is not supported',
      },
      {
        what: 'a ValidationDomain that is not a domain name',
        input: {
          DomainName: 'www.dvo.example.test',
          DomainValidationOptions: [{ DomainName: 'www.dvo.example.test', ValidationDomain: 'test' }],
        },
        name: 'ValidationException',
        message: "Value 'test' at 'domainValidationOptions.1.member.validationDomain'",
      },
      {
        what: 'two DomainValidationOptions for one DomainName',
        input: {
          DomainName: 'www.dvo.example.test',
          DomainValidationOptions: [
            { DomainName: 'www.dvo.example.test', ValidationDomain: 'example.test' },
            { DomainName: 'www.dvo.example.test', ValidationDomain: 'dvo.example.test' },
          ],
        },
        name: 'InvalidDomainValidationOptionsException',
        message: 'DomainValidationOptions contains www.dvo.example.test more than once.',
      },
    ];
    for (const { what, input, name, message } of cases) {
      const error = await failure(
        acmA.send(new RequestCertificateCommand({ ValidationMethod: 'DNS', ...input })),
      );
      expect({ what, name: error.name, status: error.status }).toEqual({ what, name, status: 400 });
      expect(error.message, what).toContain(message);
    }

    expect(arnsOf(await listEverything(acmA)).sort()).toEqual(before);
  });

  it('accepts the limits themselves: a 64-character first name, 10 names, the DomainName repeated', async () => {
    const name64 = `${'b'.repeat(51)}.example.test`;
    expect(name64).toHaveLength(64);
    const arn = await request(acmA, { DomainName: name64 });
    expect((await describeCertificate(acmA, arn)).DomainName).toBe(name64);

    const nine = Array.from({ length: 9 }, (_, index) => `ten${index}.example.test`);
    const ten = await request(acmA, {
      DomainName: 'ten.example.test',
      SubjectAlternativeNames: ['ten.example.test', ...nine],
    });
    expect((await describeCertificate(acmA, ten)).SubjectAlternativeNames).toEqual([
      'ten.example.test',
      ...nine,
    ]);
  });
});

describe('the HTTP front end, by hand', () => {
  it('answers a request without Authorization with IncompleteSignatureException', async () => {
    const response = await fetch(`${stack.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CertificateManager.ListCertificates',
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({
      __type: 'IncompleteSignatureException',
      message: 'Request is missing Authentication Token',
    });
  });

  it('answers an unknown X-Amz-Target with UnknownOperationException', async () => {
    for (const target of ['CertificateManager.RenewTheMoon', 'KMS.ListKeys', 'CertificateManager.']) {
      const answer = await signedPost(target, '{}');
      expect({ target, status: answer.status, type: answer.json.__type }).toEqual({
        target,
        status: 400,
        type: 'UnknownOperationException',
      });
    }
  });

  it('answers targets named like Object.prototype members with UnknownOperationException', async () => {
    // OPERATIONS is a plain object: these names must not resolve to functions it inherits. Without the
    // own-property check, `toString` would answer 200 "[object Undefined]" and the others 500, and
    // `constructor` would hand the API's services object (store, MAC key holder, settings) to
    // JSON.stringify, saved only by a circular reference.
    const names = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
    const answers = [];
    for (const name of names) {
      const answer = await signedPost(`CertificateManager.${name}`, '{}');
      answers.push({ name, status: answer.status, json: answer.json });
    }
    expect(answers).toEqual(
      names.map((name) => ({
        name,
        status: 400,
        json: {
          __type: 'UnknownOperationException',
          message: `Unknown operation CertificateManager.${name}.`,
        },
      })),
    );
  });

  it('answers a signed request whose body is not a JSON object with SerializationException', async () => {
    for (const body of ['this is not json', '[1, 2]', 'null', '{"MaxItems": 5']) {
      const answer = await signedPost('CertificateManager.ListCertificates', body);
      expect({ body, status: answer.status, type: answer.json.__type }).toEqual({
        body,
        status: 400,
        type: 'SerializationException',
      });
      expect(answer.contentType).toBe('application/x-amz-json-1.1');
    }
    // The same signing code gets through with a good body, so the failures above are about the body.
    const ok = await signedPost('CertificateManager.ListCertificates', '{"MaxItems": 5}');
    expect(ok.status).toBe(200);
    expect(ok.json.CertificateSummaryList).toEqual(expect.any(Array));
  });

  it('answers a member of the wrong JSON type with SerializationException, and creates nothing', async () => {
    const before = await signedPost('CertificateManager.ListCertificates', '{}');
    for (const [target, body] of [
      ['CertificateManager.RequestCertificate', '{"DomainName": 42, "ValidationMethod": "DNS"}'],
      [
        'CertificateManager.RequestCertificate',
        '{"DomainName": "x.example.test", "SubjectAlternativeNames": "y"}',
      ],
      ['CertificateManager.ListCertificates', '{"MaxItems": "5"}'],
      ['CertificateManager.DescribeCertificate', '{"CertificateArn": ["arn"]}'],
    ] as const) {
      const answer = await signedPost(target, body);
      expect({ body, status: answer.status, type: answer.json.__type }).toEqual({
        body,
        status: 400,
        type: 'SerializationException',
      });
    }
    const after = await signedPost('CertificateManager.ListCertificates', '{}');
    expect(after.json.CertificateSummaryList).toEqual(before.json.CertificateSummaryList);
  });

  it('serves the CA certificate as PEM at /ca.pem and as DER at /ca.crt', async () => {
    const pemResponse = await fetch(`${stack.url}/ca.pem`);
    expect(pemResponse.status).toBe(200);
    expect(pemResponse.headers.get('content-type')).toBe('application/x-pem-file');
    const pem = await pemResponse.text();
    expect(pem).toBe(stack.caCertificatePem);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);

    const derResponse = await fetch(`${stack.url}/ca.crt`);
    expect(derResponse.status).toBe(200);
    expect(derResponse.headers.get('content-type')).toBe('application/pkix-cert');
    const der = Buffer.from(await derResponse.arrayBuffer());
    expect(der[0]).toBe(0x30);
    const fromDer = new X509Certificate(der);
    const fromPem = new X509Certificate(stack.caCertificatePem);
    expect(fromDer.raw.equals(fromPem.raw)).toBe(true);
    expect(fromDer.fingerprint256).toBe(fromPem.fingerprint256);

    expect((await fetch(`${stack.url}/ca.der`)).status).toBe(404);
  });
});

describe('DescribeCertificate of a pending certificate', () => {
  it('has the shape ACM gives a PENDING_VALIDATION certificate', async () => {
    const requestedAt = Date.now();
    const tags = [{ Key: 'team', Value: 'platform' }, { Key: 'empty' }];
    const arn = await request(acmA, {
      DomainName: 'shape.example.test',
      SubjectAlternativeNames: ['www.shape.example.test', '*.shape.example.test'],
      DomainValidationOptions: [{ DomainName: 'www.shape.example.test', ValidationDomain: 'example.test' }],
      Tags: tags,
    });
    const detail = await describeCertificate(acmA, arn);
    expect(detail).toMatchObject({
      CertificateArn: arn,
      DomainName: 'shape.example.test',
      SubjectAlternativeNames: ['shape.example.test', 'www.shape.example.test', '*.shape.example.test'],
      Status: 'PENDING_VALIDATION',
      KeyAlgorithm: 'RSA-2048',
      Type: 'AMAZON_ISSUED',
      InUseBy: [],
      RenewalEligibility: 'INELIGIBLE',
      Subject: 'CN=shape.example.test',
      Issuer: 'Certwright',
      SignatureAlgorithm: 'SHA256WITHRSA',
      KeyUsages: [],
      ExtendedKeyUsages: [],
      Options: { CertificateTransparencyLoggingPreference: 'ENABLED', Export: 'DISABLED' },
    });
    for (const absent of ['NotBefore', 'NotAfter', 'Serial', 'IssuedAt'] as const) {
      expect(detail[absent], absent).toBeUndefined();
    }
    expect(detail.CreatedAt).toBeInstanceOf(Date);
    const createdAt = (detail.CreatedAt as Date).getTime();
    expect(createdAt).toBeGreaterThanOrEqual(requestedAt - 2_000);
    expect(createdAt).toBeLessThanOrEqual(Date.now() + 2_000);

    const validations = detail.DomainValidationOptions ?? [];
    expect(
      validations.map((dv) => [dv.DomainName, dv.ValidationDomain, dv.ValidationStatus, dv.ValidationMethod]),
    ).toEqual([
      ['shape.example.test', 'shape.example.test', 'PENDING_VALIDATION', 'DNS'],
      ['www.shape.example.test', 'example.test', 'PENDING_VALIDATION', 'DNS'],
      ['*.shape.example.test', '*.shape.example.test', 'PENDING_VALIDATION', 'DNS'],
    ]);
    for (const dv of validations) {
      const base = (dv.DomainName as string).replace(/^\*\./, '');
      expect(dv.ResourceRecord?.Type).toBe('CNAME');
      expect(dv.ResourceRecord?.Name).toMatch(
        new RegExp(`^_[0-9a-f]{32}\\.${base.replaceAll('.', '\\.')}\\.$`),
      );
      expect(dv.ResourceRecord?.Value).toMatch(/^_[0-9a-f]{32}\.acm-validations\.certwright\.internal\.$/);
    }
    // The wildcard shares the record of its base name.
    expect(validations[2]?.ResourceRecord).toEqual(validations[0]?.ResourceRecord);
    expect(validations[1]?.ResourceRecord).not.toEqual(validations[0]?.ResourceRecord);

    // Tags are kept (there is no ListTagsForCertificate yet, so read the table).
    const { accountId, certificateId } = parseCertificateArn(arn);
    expect((await stack.store.get(accountId, certificateId))?.tags).toEqual(tags);
  });

  it('gives a name the same record in one account and a different one in another account', async () => {
    const records = async (acm: ACMClient) => {
      const arn = await request(acm, { DomainName: 'same.example.test' });
      return (await describeCertificate(acm, arn)).DomainValidationOptions?.map((dv) => dv.ResourceRecord);
    };
    const first = await records(acmA);
    const second = await records(acmA);
    const inB = await records(acmB);
    expect(first).toHaveLength(1);
    expect(first?.[0]?.Name).toMatch(/^_[0-9a-f]{32}\.same\.example\.test\.$/);
    expect(second).toEqual(first);
    expect(inB).toHaveLength(1);
    expect(inB?.[0]?.Name).not.toBe(first?.[0]?.Name);
    expect(inB?.[0]?.Value).not.toBe(first?.[0]?.Value);
  });
});
