/**
 * The Lambda entry files composed as in AWS, with only the services themselves replaced (see
 * lambda-environment.ts): an in-process table, and fakes for KMS, Step Functions, EventBridge and SES.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SignCommand } from '@aws-sdk/client-kms';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import {
  composeIssueCertificateHandler,
  composePublishValidationRecordsHandler,
} from '../../../functions/adapters/aws/lambda-composition.ts';
import { handler as apiHandler } from '../../../functions/api/lambda.ts';
import { handler as approvalHandler } from '../../../functions/approvals/lambda.ts';
import { parseCertificateArn } from '../../../functions/core/arn.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { handler as scheduleHandler } from '../../../functions/schedule/lambda.ts';
import { handler as issueHandler } from '../../../functions/tasks/lambda/issue-certificate.ts';
import { handler as publishHandler } from '../../../functions/tasks/lambda/publish-validation-records.ts';
import { pendingCertificate } from '../../unit/core/core-fixtures.ts';
import { openssl } from '../../unit/issuance/test-ca.ts';
import { callApiLambda } from './api-lambda-call.ts';
import { FakeEventBridge } from './fake-eventbridge.ts';
import { FakeSes } from './fake-ses.ts';
import { installKmsCa } from './install-kms-ca.ts';
import {
  EVENT_BUS_NAME,
  type LambdaEnvironment,
  startLambdaEnvironment,
  VALIDATION_DOMAIN,
} from './lambda-environment.ts';
import { markDomainsValidated } from './mark-domains-validated.ts';

const TABLE_NAME = 'certwright-lambda-test';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const DAY_MS = 24 * 60 * 60 * 1000;
const EMAIL_SENDER = 'Certwright <no-reply@certwright.test>';
const APPROVAL_BASE_URL = 'https://abc123.execute-api.us-east-1.amazonaws.com/v1';

let lambda: LambdaEnvironment;
let dynamodb: DynamoDBClient;
let workDir: string;
let caCertificatePem: string;
let stateMachineArn: string;
const eventBridge = new FakeEventBridge(ACCOUNT, REGION);
// Every SESv2Client's SendEmail goes to the fake's own (instance-mocked) client.
const ses = new FakeSes();
const sesIdentityArn = ses.verifyIdentity('certwright.test');
const sesStub = mockClient(SESv2Client);
sesStub.on(SendEmailCommand).callsFake((input) => ses.client.send(new SendEmailCommand(input)));

beforeAll(async () => {
  lambda = await startLambdaEnvironment({
    region: REGION,
    tableName: TABLE_NAME,
    eventBridge,
    variables: {
      CERTWRIGHT_HOSTED_ZONES: '[]',
      CERTWRIGHT_MAX_DOMAINS: '10',
      CERTWRIGHT_POLL_INITIAL_SECONDS: '5',
      CERTWRIGHT_POLL_FACTOR: '2',
      CERTWRIGHT_POLL_MAX_SECONDS: '300',
      CERTWRIGHT_VALIDATION_TIMEOUT_HOURS: '72',
      CERTWRIGHT_CA_ISSUERS_URL: 'https://pki.certwright.test/ca.crt',
      CERTWRIGHT_EMAIL_SENDER: EMAIL_SENDER,
      CERTWRIGHT_SES_IDENTITY_ARN: sesIdentityArn,
      CERTWRIGHT_APPROVAL_BASE_URL: APPROVAL_BASE_URL,
    },
  });
  dynamodb = lambda.table.client;
  stateMachineArn = lambda.stateMachineArn;
  workDir = await mkdtemp(join(tmpdir(), 'certwright-lambda-'));

  caCertificatePem = await installKmsCa({
    region: REGION,
    caKeyArn: lambda.caKeyArn,
    dynamodb,
    tableName: TABLE_NAME,
    subject: 'CN=Certwright Lambda Test Root, O=Certwright Lambda Tests',
  });
});

afterAll(async () => {
  sesStub.restore();
  await lambda?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function callApi(operation: string, body: object): Promise<APIGatewayProxyResult> {
  return callApiLambda(ACCOUNT, operation, body);
}

async function callApiOk<T>(operation: string, body: object): Promise<T> {
  const response = await callApi(operation, body);
  expect(response.statusCode, response.body).toBe(200);
  return JSON.parse(response.body) as T;
}

interface Described {
  Certificate: {
    Status: string;
    Issuer: string;
    DomainValidationOptions: Array<{
      DomainName: string;
      ValidationStatus: string;
      ResourceRecord?: { Name: string; Type: string; Value: string };
    }>;
    NotAfter?: number;
    NotBefore?: number;
  };
}

describe('the API Lambda', () => {
  let certificateArn: string;

  it('requests a certificate: 200 with its ARN, and one workflow execution named after it', async () => {
    const result = await callApiOk<{ CertificateArn: string }>('RequestCertificate', {
      DomainName: 'www.example.test',
      SubjectAlternativeNames: ['api.example.test'],
      ValidationMethod: 'DNS',
    });
    certificateArn = result.CertificateArn;
    expect(certificateArn).toMatch(
      new RegExp(`^arn:aws:acm:${REGION}:${ACCOUNT}:certificate/[0-9a-f-]{36}$`),
    );
    const { certificateId } = parseCertificateArn(certificateArn);
    const executions = lambda.stepFunctions.executionsOf(stateMachineArn);
    expect(executions).toHaveLength(1);
    expect(executions[0]?.name).toBe(certificateId);
    expect(JSON.parse(executions[0]?.input ?? '')).toEqual({ certificateArn });
  });

  it('describes it as PENDING_VALIDATION with the DNS record to create', async () => {
    const { Certificate } = await callApiOk<Described>('DescribeCertificate', {
      CertificateArn: certificateArn,
    });
    expect(Certificate.Status).toBe('PENDING_VALIDATION');
    expect(Certificate.Issuer).toBe('Certwright Lambda Tests');
    expect(Certificate.DomainValidationOptions.map((option) => option.DomainName)).toEqual([
      'www.example.test',
      'api.example.test',
    ]);
    for (const option of Certificate.DomainValidationOptions) {
      expect(option.ValidationStatus).toBe('PENDING_VALIDATION');
      expect(option.ResourceRecord?.Type).toBe('CNAME');
      expect(option.ResourceRecord?.Name).toMatch(new RegExp(`^_[0-9a-f]+\\.${option.DomainName}\\.$`));
      expect(option.ResourceRecord?.Value).toMatch(new RegExp(`^_[0-9a-f]+\\.${VALIDATION_DOMAIN}\\.$`));
    }
  });

  it('answers an unauthenticated event with AccessDeniedException', async () => {
    const response = await apiHandler(
      {
        headers: { 'X-Amz-Target': 'CertificateManager.ListCertificates' },
        body: '{}',
        requestContext: {},
      } as unknown as APIGatewayProxyEvent,
      { awsRequestId: 'request-anonymous' } as Context,
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).__type).toBe('AccessDeniedException');
  });

  describe('then the issue task Lambda', () => {
    it('issues the validated certificate, signed through KMS, and openssl verifies it against the CA', async () => {
      await markDomainsValidated(new DynamoDbCertificateStore(dynamodb, TABLE_NAME), certificateArn);

      const result = (await issueHandler({ certificateArn }, {} as Context)) as { outcome: string };
      expect(result.outcome).toBe('ISSUED');

      const { Certificate } = await callApiOk<Described>('DescribeCertificate', {
        CertificateArn: certificateArn,
      });
      expect(Certificate.Status).toBe('ISSUED');
      const validityMs = ((Certificate.NotAfter ?? 0) - (Certificate.NotBefore ?? 0)) * 1000;
      expect(Math.round(validityMs / DAY_MS)).toBe(90);

      const got = await callApiOk<{ Certificate: string; CertificateChain: string }>('GetCertificate', {
        CertificateArn: certificateArn,
      });
      expect(got.CertificateChain.trim()).toBe(caCertificatePem.trim());
      await writeFile(join(workDir, 'ca.pem'), caCertificatePem);
      await writeFile(join(workDir, 'leaf.pem'), got.Certificate);
      const verified = await openssl(
        ['verify', '-CAfile', 'ca.pem', '-purpose', 'sslserver', 'leaf.pem'],
        workDir,
      );
      expect(verified.stderr).toBe('');
      expect(verified.stdout.trim()).toBe('leaf.pem: OK');
      const text = await openssl(['x509', '-in', 'leaf.pem', '-noout', '-text'], workDir);
      expect(text.stdout).toContain('DNS:www.example.test');
      expect(text.stdout).toContain('CA Issuers - URI:https://pki.certwright.test/ca.crt');

      // The certificate announced itself on the event bus, once.
      expect(eventBridge.delivered(EVENT_BUS_NAME)).toEqual([
        expect.objectContaining({
          'detail-type': 'ACM Certificate Available',
          source: 'certwright.acm',
          resources: [certificateArn],
          detail: expect.objectContaining({ Action: 'ISSUANCE', CommonName: 'www.example.test' }),
        }),
      ]);

      // A second run of the task (a workflow retry) signs and announces nothing more.
      const signs = lambda.kmsStub.commandCalls(SignCommand).length;
      expect(await issueHandler({ certificateArn }, {} as Context)).toEqual({ outcome: 'STOPPED' });
      expect(lambda.kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
      expect(eventBridge.delivered(EVENT_BUS_NAME)).toHaveLength(1);
    });

    it('refuses a task, before signing anything, when the function has no event bus to announce on', async () => {
      const withoutBus = await composeIssueCertificateHandler({
        ...process.env,
        CERTWRIGHT_EVENT_BUS_NAME: undefined,
      });
      const signs = lambda.kmsStub.commandCalls(SignCommand).length;
      await expect(withoutBus({ certificateArn }, {} as Context)).rejects.toThrow(
        'CERTWRIGHT_EVENT_BUS_NAME is not set',
      );
      expect(lambda.kmsStub.commandCalls(SignCommand)).toHaveLength(signs);
    });
  });
});

describe('EMAIL validation through the Lambda functions', () => {
  const approvalEvent = (method: string, token: string, headers: Record<string, string> = {}) =>
    ({
      httpMethod: method,
      path: `/approvals/${token}`,
      resource: '/approvals/{token}',
      pathParameters: { token },
      headers: { Host: new URL(APPROVAL_BASE_URL).host, ...headers },
      body: null,
      requestContext: { stage: 'v1' },
    }) as unknown as APIGatewayProxyEvent;

  async function requestEmailCertificate(domainName: string): Promise<string> {
    const { CertificateArn } = await callApiOk<{ CertificateArn: string }>('RequestCertificate', {
      DomainName: domainName,
      ValidationMethod: 'EMAIL',
      DomainValidationOptions: [{ DomainName: domainName, ValidationDomain: 'example.test' }],
    });
    return CertificateArn;
  }

  async function validationStatus(certificateArn: string): Promise<string | undefined> {
    const { Certificate } = await callApiOk<Described>('DescribeCertificate', {
      CertificateArn: certificateArn,
    });
    return Certificate.DomainValidationOptions[0]?.ValidationStatus;
  }

  it('the publish function mails the link through SES, the approval function shows it on GET and approves on POST', async () => {
    const certificateArn = await requestEmailCertificate('approve.example.test');
    const sent = ses.messages.length;

    await publishHandler({ certificateArn }, {} as Context);

    const messages = ses.messages.slice(sent).map((message) => message.input);
    expect(messages.map((input) => input.Destination?.ToAddresses).sort()).toEqual(
      ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'].map((box) => [
        `${box}@example.test`,
      ]),
    );
    for (const input of messages) {
      expect(input.FromEmailAddress).toBe(EMAIL_SENDER);
      expect(input.FromEmailAddressIdentityArn).toBe(sesIdentityArn);
    }
    const links = messages.map((input) => {
      const text = input.Content?.Simple?.Body?.Text?.Data ?? '';
      return new RegExp(`${APPROVAL_BASE_URL}/approvals/([A-Za-z0-9_-]{43})`).exec(text)?.[1];
    });
    const token = links[0] ?? '';
    expect(new Set(links)).toEqual(new Set([token]));

    const page = await approvalHandler(approvalEvent('GET', token), {} as Context);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('approve.example.test');
    expect(page.body).toContain(certificateArn);
    expect(await validationStatus(certificateArn)).toBe('PENDING_VALIDATION');

    const approved = await approvalHandler(
      approvalEvent('POST', token, { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }),
      {} as Context,
    );
    expect(approved.statusCode).toBe(200);
    expect(approved.body).toContain('<h1>Approved</h1>');
    expect(await validationStatus(certificateArn)).toBe('SUCCESS');
    const again = await approvalHandler(approvalEvent('POST', token), {} as Context);
    expect(again.statusCode).toBe(410);

    const issued = (await issueHandler({ certificateArn }, {} as Context)) as { outcome: string };
    expect(issued.outcome).toBe('ISSUED');
  });

  it('without an email sender, the publish function fails an EMAIL certificate naming the variable, and mails nothing', async () => {
    const certificateArn = await requestEmailCertificate('unsent.example.test');
    const withoutSender = await composePublishValidationRecordsHandler({
      ...process.env,
      CERTWRIGHT_EMAIL_SENDER: undefined,
    });
    const sent = ses.sendEmailCalls().length;

    await expect(withoutSender({ certificateArn }, {} as Context)).rejects.toMatchObject({
      name: 'MailNotConfigured',
      message:
        'Validation mail cannot be sent: this deployment has no email sender (CERTWRIGHT_EMAIL_SENDER is not set).',
    });
    expect(ses.sendEmailCalls()).toHaveLength(sent);
    expect(await validationStatus(certificateArn)).toBe('PENDING_VALIDATION');
  });
});

describe('the schedule Lambda', () => {
  it('expires a certificate past its NotAfter and publishes ACM Certificate Expired on the bus, once', async () => {
    const store = new DynamoDbCertificateStore(dynamodb, TABLE_NAME);
    const notAfter = new Date(Date.now() - DAY_MS);
    const expiring: CertificateRecord = {
      ...pendingCertificate({
        domainName: 'old.example.test',
        subjectAlternativeNames: ['old.example.test'],
      }),
      status: 'ISSUED',
      issued: {
        certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        chainPem: caCertificatePem,
        serialHex: '01bb',
        notBefore: new Date(notAfter.getTime() - 90 * DAY_MS).toISOString(),
        notAfter: notAfter.toISOString(),
        issuedAt: new Date(notAfter.getTime() - 90 * DAY_MS).toISOString(),
        sealedPrivateKey: 'sealed',
        keyUsages: ['DIGITAL_SIGNATURE'],
        extendedKeyUsages: [],
        announcedAt: new Date(notAfter.getTime() - 90 * DAY_MS).toISOString(),
      },
    };
    await store.create(expiring);
    const delivered = eventBridge.delivered(EVENT_BUS_NAME).length;

    const nothingElse = { approaching: 0, actionRequired: 0, renewalsStarted: 0 };
    // The certificates issued by the tests above are visited too: their first visit plans the next one.
    expect(await scheduleHandler(scheduledEvent(), {} as Context)).toEqual({
      examined: expect.any(Number),
      expired: 1,
      announced: 0,
      ...nothingElse,
    });

    expect((await store.get(expiring.accountId, expiring.id))?.status).toBe('EXPIRED');
    expect(eventBridge.delivered(EVENT_BUS_NAME).slice(delivered)).toEqual([
      expect.objectContaining({
        'detail-type': 'ACM Certificate Expired',
        source: 'certwright.acm',
        resources: [expiring.arn],
        detail: expect.objectContaining({ CommonName: 'old.example.test' }),
      }),
    ]);
    expect(await scheduleHandler(scheduledEvent(), {} as Context)).toEqual({
      examined: 0,
      expired: 0,
      announced: 0,
      ...nothingElse,
    });
    expect(eventBridge.delivered(EVENT_BUS_NAME)).toHaveLength(delivered + 1);
  });
});

/** What the deployment's schedule rule sends. */
function scheduledEvent(): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/certwright-schedule`],
    detail: {},
  };
}
