/**
 * CheckDomains through the local stack with a signed request, DNS from a BIND server on 127.0.0.1: a
 * missing record, the record added, a forbidding CAA, a denied name, and the quota counts.
 */
import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { fetchSignedPost } from '../../local/signed-post.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  acmClient,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';

interface DomainAnswer {
  DomainName: string;
  ValidationMethod: string;
  ResourceRecord?: { Name: string; Type: string; Value: string };
  RecordInPlace: boolean | null;
  RecordFound?: string[];
  Caa: { Permitted: boolean | null; Message: string };
  Policy: { Allowed: boolean; Reason?: string; Message?: string };
  SharesRecordWith?: string;
  Note?: string;
  ValidationEmails?: string[];
}
interface CheckAnswer {
  Domains: DomainAnswer[];
  Quota: {
    CertificatesHeld: number;
    CertificatesLimit: number;
    RequestsLastYear: number;
    RequestsLimit: number;
  };
  WouldValidateNow: boolean;
}

let bind: BindServer;
let stack: LocalStack;
let cleanupDataDir: () => Promise<void>;

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  stack = await startTestStack(
    testSettings(data.dataDir, {
      dnsResolvers: bind.address,
      deniedDomains: '.secret.example.test',
      maxCertificates: '3',
      maxRequestsPerYear: '7',
      // A ten-minute poll: a requested certificate stays pending, so nothing here depends on a check.
      pollInitialSeconds: '600',
      pollMaxSeconds: '600',
    }),
  );
});

afterAll(async () => {
  await stack?.stop();
  await bind?.stop();
  await cleanupDataDir?.();
});

async function checkDomains(
  body: object,
  account: typeof ACCOUNT_A = ACCOUNT_A,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetchSignedPost(stack.url, {
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    region: REGION,
    service: 'acm',
    contentType: 'application/x-amz-json-1.1',
    target: 'CertificateManager.CheckDomains',
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function check(body: object, account: typeof ACCOUNT_A = ACCOUNT_A): Promise<CheckAnswer> {
  const { status, json } = await checkDomains(body, account);
  expect(status).toBe(200);
  return json as unknown as CheckAnswer;
}

describe('CertificateManager.CheckDomains', () => {
  it('reports a missing record, then the record in place and WouldValidateNow', async () => {
    const before = await check({ DomainNames: ['www.example.test', '*.www.example.test'] }, ACCOUNT_B);
    const [bare, wildcard] = before.Domains;
    const record = bare?.ResourceRecord;
    expect(record).toMatchObject({
      Type: 'CNAME',
      Name: expect.stringMatching(/^_[0-9a-f]{32}\.www\.example\.test\.$/),
    });
    expect(wildcard?.ResourceRecord).toEqual(record);
    expect(wildcard).toMatchObject({
      SharesRecordWith: 'www.example.test',
      Note: expect.stringContaining('create it once'),
    });
    expect(before.Domains.map((domain) => [domain.RecordInPlace, domain.RecordFound])).toEqual([
      [false, []],
      [false, []],
    ]);
    expect(before.WouldValidateNow).toBe(false);

    // RequestCertificate hands out the same record CheckDomains named.
    const acm = acmClient(stack, ACCOUNT_B);
    const { CertificateArn } = await acm.send(
      new RequestCertificateCommand({ DomainName: 'www.example.test', ValidationMethod: 'DNS' }),
    );
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn }));
    expect(Certificate?.DomainValidationOptions?.[0]?.ResourceRecord).toEqual(record);

    if (!record) throw new Error('no record');
    await bind.addRecord(record.Name, 'CNAME', record.Value);
    const after = await check({ DomainNames: ['www.example.test', '*.www.example.test'] }, ACCOUNT_B);
    expect(after.Domains.map((domain) => [domain.RecordInPlace, domain.RecordFound])).toEqual([
      [true, [record.Value.slice(0, -1)]],
      [true, [record.Value.slice(0, -1)]],
    ]);
    expect(after.Domains.every((domain) => domain.Caa.Permitted === true && domain.Policy.Allowed)).toBe(
      true,
    );
    expect(after.WouldValidateNow).toBe(true);
  });

  it('reports a CAA record that forbids this CA', async () => {
    await bind.addRecord('locked.example.test', 'CAA', '0 issue "other-ca.test"');
    const answer = await check({ DomainNames: ['locked.example.test'] });
    expect(answer.Domains[0]?.Caa).toEqual({
      Permitted: false,
      Message:
        'CAA at locked.example.test (0 issue "other-ca.test") does not permit certwright for locked.example.test',
    });
    expect(answer.WouldValidateNow).toBe(false);
  });

  it('reports a name on the deny list, and gives EMAIL names their addresses', async () => {
    const answer = await check({
      DomainNames: ['db.secret.example.test', 'www.ok.example.test'],
      ValidationMethod: 'EMAIL',
    });
    expect(answer.Domains.map((domain) => domain.Policy)).toEqual([
      {
        Allowed: false,
        Reason: 'DOMAIN_NOT_ALLOWED',
        Message:
          "db.secret.example.test is on this deployment's deny list: the certificate would fail with DOMAIN_NOT_ALLOWED.",
      },
      { Allowed: true },
    ]);
    expect(answer.Domains[1]).toMatchObject({
      ValidationMethod: 'EMAIL',
      RecordInPlace: null,
      ValidationEmails: expect.arrayContaining(['admin@ok.example.test', 'hostmaster@ok.example.test']),
    });
    expect(answer.Domains[1]).not.toHaveProperty('ResourceRecord');
  });

  it("counts the account's certificates and requests", async () => {
    const acm = acmClient(stack, ACCOUNT_A);
    expect((await check({ DomainNames: ['q.example.test'] })).Quota).toEqual({
      CertificatesHeld: 0,
      CertificatesLimit: 3,
      RequestsLastYear: 0,
      RequestsLimit: 7,
    });
    for (const name of ['q1.example.test', 'q2.example.test'])
      await acm.send(new RequestCertificateCommand({ DomainName: name, ValidationMethod: 'DNS' }));
    expect((await check({ DomainNames: ['q.example.test'] })).Quota).toMatchObject({
      CertificatesHeld: 2,
      RequestsLastYear: 2,
    });
  });

  it('refuses bad input with ACM-style errors', async () => {
    expect(await checkDomains({})).toEqual({
      status: 400,
      json: {
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'domainNames' failed to satisfy constraint: Member must not be null",
      },
    });
    const badMethod = await checkDomains({ DomainNames: ['a.example.test'], ValidationMethod: 'HTTP' });
    expect(badMethod.status).toBe(400);
    expect(badMethod.json.message).toContain("at 'validationMethod' failed to satisfy constraint");
    const badName = await checkDomains({ DomainNames: ['a.example.test', 'bad_name'] });
    expect(badName.json.message).toContain("at 'domainNames.2.member'");
  });
});
