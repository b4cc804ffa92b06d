/**
 * The ACM front end for EMAIL validation: RequestCertificate's default method, DomainValidationOptions as
 * DescribeCertificate shows them, and ResendValidationEmail's wire checks and errors. The handler runs with
 * the real store on dynalite and a recording Mailer; the workflow's mailing step is called directly.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoRandom } from '../../../functions/adapters/runtime/crypto-random.ts';
import { createApiHandler } from '../../../functions/api/api-handler.ts';
import { acmProxyEvent } from '../../../functions/api/proxy-event.ts';
import { createApprovalDesk } from '../../../functions/core/approvals/approval-desk-service.ts';
import { approvalTokenHash } from '../../../functions/core/approvals/approval-token.ts';
import { approverAddresses } from '../../../functions/core/approvals/approver-addresses.ts';
import type { DnsZoneWriter } from '../../../functions/core/ports.ts';
import { publishValidationRecords } from '../../../functions/core/validation/publish-validation-records.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { type DynaliteStore, startDynaliteStore } from '../core/core-fixtures.ts';
import { RecordingMailer, tokenIn } from '../core/email-fixtures.ts';
import { testApiServices } from './api-services-fixture.ts';

const ACCOUNT = '210987654321';

let dynamo: DynaliteStore;
beforeAll(async () => {
  dynamo = await startDynaliteStore();
});
afterAll(async () => {
  await dynamo?.stop();
});

const noZones: DnsZoneWriter = {
  manages: () => false,
  upsertCname: async () => {
    throw new Error('no zone is managed');
  },
};

function setup() {
  const clock = new FakeClock(new Date('2026-03-01T12:00:00.000Z'));
  const mailer = new RecordingMailer();
  const services = testApiServices(dynamo.store, clock, { mailer });

  const handler = createApiHandler(services);
  let requests = 0;
  const call = async (operation: string, body: object) => {
    requests += 1;
    const event = acmProxyEvent({
      headers: { 'X-Amz-Target': `CertificateManager.${operation}` },
      body: JSON.stringify(body),
      requestId: `request-${requests}`,
      accountId: ACCOUNT,
    });
    const response = await handler(event, { awsRequestId: `request-${requests}` } as Context);
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  const mailLinks = (arn: string) =>
    publishValidationRecords(
      { store: dynamo.store, zoneWriter: noZones, mailer, clock, random: cryptoRandom, approvalBaseUrl: 'x' },
      arn,
    );
  return { call, mailer, clock, mailLinks, desk: createApprovalDesk({ store: dynamo.store, clock }) };
}

async function requested(t: ReturnType<typeof setup>, body: object): Promise<string> {
  const { status, body: answer } = await t.call('RequestCertificate', body);
  expect(status).toBe(200);
  return answer.CertificateArn as string;
}

describe('RequestCertificate and DescribeCertificate with EMAIL validation', () => {
  it("takes EMAIL as the default and shows each name's approver addresses, no record and no link", async () => {
    const t = setup();
    const arn = await requested(t, {
      DomainName: 'www.example.com',
      SubjectAlternativeNames: ['shop.example.com'],
      DomainValidationOptions: [{ DomainName: 'shop.example.com', ValidationDomain: 'example.com' }],
    });
    await t.mailLinks(arn);
    const { body } = await t.call('DescribeCertificate', { CertificateArn: arn });
    const certificate = body.Certificate as Record<string, unknown>;
    expect(certificate.Status).toBe('PENDING_VALIDATION');
    expect(certificate.DomainValidationOptions).toEqual([
      {
        DomainName: 'www.example.com',
        ValidationDomain: 'www.example.com',
        ValidationStatus: 'PENDING_VALIDATION',
        ValidationMethod: 'EMAIL',
        ValidationEmails: approverAddresses('example.com'),
        ValidationDiagnosis: expect.objectContaining({ Outcome: 'AWAITING_APPROVAL' }),
      },
      {
        DomainName: 'shop.example.com',
        ValidationDomain: 'example.com',
        ValidationStatus: 'PENDING_VALIDATION',
        ValidationMethod: 'EMAIL',
        ValidationEmails: approverAddresses('example.com'),
        ValidationDiagnosis: expect.objectContaining({ Outcome: 'AWAITING_APPROVAL' }),
      },
    ]);
    const token = tokenIn(t.mailer.sent[0]);
    expect(JSON.stringify(body)).not.toContain(approvalTokenHash(token));
    expect(JSON.stringify(body)).not.toContain(token);
  });

  it('shows SUCCESS for an approved name', async () => {
    const t = setup();
    const arn = await requested(t, { DomainName: 'approved.example.com', ValidationMethod: 'EMAIL' });
    await t.mailLinks(arn);
    await t.desk.approve(tokenIn(t.mailer.sent[0]));
    const { body } = await t.call('DescribeCertificate', { CertificateArn: arn });
    expect((body.Certificate as { DomainValidationOptions: unknown[] }).DomainValidationOptions).toEqual([
      expect.objectContaining({ ValidationStatus: 'SUCCESS', ValidationMethod: 'EMAIL' }),
    ]);
  });

  it('refuses DomainValidationOptions members that are not structures, a list among them', async () => {
    const t = setup();
    for (const option of [[], 'example.com', 7, null]) {
      expect(
        await t.call('RequestCertificate', {
          DomainName: 'x.example.com',
          DomainValidationOptions: [option],
        }),
      ).toEqual({
        status: 400,
        body: {
          __type: 'SerializationException',
          message: 'Member DomainValidationOptions must be a list of structures.',
        },
      });
    }
  });

  it('refuses ValidationMethod HTTP with InvalidParameterException', async () => {
    const t = setup();
    expect(
      await t.call('RequestCertificate', { DomainName: 'h.example.com', ValidationMethod: 'HTTP' }),
    ).toEqual({
      status: 400,
      body: {
        __type: 'InvalidParameterException',
        message:
          'ValidationMethod HTTP is not supported; request the certificate with ValidationMethod DNS or EMAIL.',
      },
    });
  });
});

describe('ResendValidationEmail', () => {
  it('answers {} and mails the five addresses a new link', async () => {
    const t = setup();
    const arn = await requested(t, { DomainName: 'resend.example.com' });
    await t.mailLinks(arn);
    const old = tokenIn(t.mailer.sent[0]);
    expect(
      await t.call('ResendValidationEmail', {
        CertificateArn: arn,
        Domain: 'resend.example.com',
        ValidationDomain: 'resend.example.com',
      }),
    ).toEqual({ status: 200, body: {} });
    expect(t.mailer.sent.slice(5).map((message) => message.to[0])).toEqual(
      approverAddresses('resend.example.com'),
    );
    expect(await t.desk.describe(old)).toEqual({ ok: false, problem: 'USED' });
    expect((await t.desk.describe(tokenIn(t.mailer.sent[5]))).ok).toBe(true);
  });

  it('checks its members as the ACM framework does', async () => {
    const t = setup();
    const arn = await requested(t, { DomainName: 'wire.example.com' });
    const cases: Array<[object, string, string]> = [
      [
        { CertificateArn: arn, ValidationDomain: 'wire.example.com' },
        'ValidationException',
        "1 validation error detected: Value null at 'domain' failed to satisfy constraint: Member must not be null",
      ],
      [
        { CertificateArn: arn, Domain: 'wire.example.com' },
        'ValidationException',
        "1 validation error detected: Value null at 'validationDomain' failed to satisfy constraint: Member must not be null",
      ],
      [
        { Domain: 'wire.example.com', ValidationDomain: 'wire.example.com' },
        'ValidationException',
        "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
      ],
      [
        { CertificateArn: arn, Domain: 7, ValidationDomain: 'wire.example.com' },
        'SerializationException',
        'Member Domain must be a string.',
      ],
      [
        {
          CertificateArn: 'arn:aws:acm:us-east-1:210987654321:thing',
          Domain: 'a.example.com',
          ValidationDomain: 'a.example.com',
        },
        'InvalidArnException',
        "String 'arn:aws:acm:us-east-1:210987654321:thing' is not a valid ARN.",
      ],
      [
        { CertificateArn: arn, Domain: 'wire', ValidationDomain: 'wire.example.com' },
        'ValidationException',
        "1 validation error detected: Value 'wire' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])",
      ],
    ];
    for (const [input, type, message] of cases) {
      expect(await t.call('ResendValidationEmail', input)).toEqual({
        status: 400,
        body: { __type: type, message },
      });
    }
    expect(t.mailer.sent).toEqual([]);
  });

  it('answers ResourceNotFound, InvalidState and InvalidDomainValidationOptions with their ACM codes', async () => {
    const t = setup();
    const email = await requested(t, { DomainName: 'codes.example.com' });
    const dns = await requested(t, { DomainName: 'dns.example.com', ValidationMethod: 'DNS' });
    const missing = email.replace(/.{12}$/, 'ffffffffffff');
    const types = async (input: object) =>
      (await t.call('ResendValidationEmail', input)).body.__type as string;
    expect(
      await types({
        CertificateArn: missing,
        Domain: 'codes.example.com',
        ValidationDomain: 'codes.example.com',
      }),
    ).toBe('ResourceNotFoundException');
    expect(
      await types({ CertificateArn: dns, Domain: 'dns.example.com', ValidationDomain: 'dns.example.com' }),
    ).toBe('InvalidStateException');
    expect(
      await types({ CertificateArn: email, Domain: 'nope.example.com', ValidationDomain: 'example.com' }),
    ).toBe('InvalidDomainValidationOptionsException');
    expect(
      await types({ CertificateArn: email, Domain: 'codes.example.com', ValidationDomain: 'example.net' }),
    ).toBe('InvalidDomainValidationOptionsException');
    expect(t.mailer.sent).toEqual([]);
  });
});
