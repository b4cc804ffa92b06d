/**
 * CERTWRIGHT_WHOIS_SERVER through the AWS composition of the publish function: with it, the SES mail goes
 * to the WHOIS contacts too (a WHOIS server on 127.0.0.1 answers them) and the table records them; without
 * it, the function asks nothing and mails the five approver addresses.
 */
import { type AddressInfo, createServer, type Server } from 'node:net';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { composePublishValidationRecordsHandler } from '../../../functions/adapters/aws/lambda-composition.ts';
import { approverAddresses } from '../../../functions/core/approvals/approver-addresses.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { pendingCertificate } from '../../unit/core/core-fixtures.ts';
import { FakeSes } from './fake-ses.ts';
import { type LambdaEnvironment, startLambdaEnvironment } from './lambda-environment.ts';

const TABLE_NAME = 'certwright-whois-lambda-test';
const REGION = 'us-east-1';
const HOUR_MS = 60 * 60 * 1000;

let lambda: LambdaEnvironment;
let store: DynamoDbCertificateStore;
let whoisServer: Server;
let whoisAddress: string;
const whoisQueries: string[] = [];
const ses = new FakeSes();
const sesStub = mockClient(SESv2Client);
sesStub.on(SendEmailCommand).callsFake((input) => ses.client.send(new SendEmailCommand(input)));

beforeAll(async () => {
  lambda = await startLambdaEnvironment({
    region: REGION,
    tableName: TABLE_NAME,
    variables: {
      CERTWRIGHT_HOSTED_ZONES: '[]',
      CERTWRIGHT_EMAIL_SENDER: 'Certwright <no-reply@certwright.test>',
      CERTWRIGHT_SES_IDENTITY_ARN: ses.verifyIdentity('certwright.test'),
      CERTWRIGHT_APPROVAL_BASE_URL: 'https://abc123.execute-api.us-east-1.amazonaws.com/v1',
    },
  });
  store = new DynamoDbCertificateStore(lambda.table.client, TABLE_NAME);
  whoisServer = createServer((socket) => {
    socket.once('data', (chunk) => {
      const domain = chunk.toString('utf8').trim();
      whoisQueries.push(domain);
      socket.end(
        domain === 'sample.test'
          ? 'Domain Name: SAMPLE.TEST\r\nRegistrant Email: owner@registrant.test\r\nTech Email: REDACTED FOR PRIVACY\r\n'
          : `No match for "${domain}".\r\n`,
      );
    });
  });
  await new Promise<void>((resolve) => whoisServer.listen(0, '127.0.0.1', resolve));
  whoisAddress = `127.0.0.1:${(whoisServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  sesStub.restore();
  await lambda?.close();
  await new Promise((resolve) => whoisServer?.close(resolve));
});

/** An EMAIL certificate for `domainName`, pending, mailed nothing yet. */
async function emailCertificate(domainName: string): Promise<CertificateRecord> {
  const now = Date.now();
  const certificate = pendingCertificate({
    domainName,
    subjectAlternativeNames: [domainName],
    subject: `CN=${domainName}`,
    createdAt: new Date(now).toISOString(),
    validationDeadline: new Date(now + 72 * HOUR_MS).toISOString(),
    domainValidations: [
      {
        domainName,
        validationDomain: domainName,
        validationMethod: 'EMAIL',
        status: 'PENDING_VALIDATION',
        validationEmails: approverAddresses(domainName),
      },
    ],
  });
  await store.create(certificate);
  return certificate;
}

async function publish(certificate: CertificateRecord, variables: Record<string, string | undefined>) {
  const handler = await composePublishValidationRecordsHandler({ ...process.env, ...variables });
  const sent = ses.messages.length;
  await handler({ certificateArn: certificate.arn }, {} as Context);
  const recipients = ses.messages.slice(sent).map((message) => message.input.Destination?.ToAddresses?.[0]);
  const stored = await store.get(certificate.accountId, certificate.id);
  return { recipients, recorded: stored?.domainValidations[0]?.validationEmails };
}

describe('the publish function with CERTWRIGHT_WHOIS_SERVER', () => {
  it('mails the WHOIS contacts through SES too and records them on the certificate', async () => {
    const certificate = await emailCertificate('sample.test');
    const { recipients, recorded } = await publish(certificate, { CERTWRIGHT_WHOIS_SERVER: whoisAddress });
    const expected = [...approverAddresses('sample.test'), 'owner@registrant.test'];
    expect(recipients).toEqual(expected);
    expect(recorded).toEqual(expected);
    expect(whoisQueries).toEqual(['sample.test']);
  });

  it('without it, asks no WHOIS server and mails the five approver addresses', async () => {
    const certificate = await emailCertificate('www.sample.test');
    const asked = whoisQueries.length;
    const { recipients, recorded } = await publish(certificate, { CERTWRIGHT_WHOIS_SERVER: undefined });
    expect(recipients).toEqual(approverAddresses('www.sample.test'));
    expect(recorded).toEqual(approverAddresses('www.sample.test'));
    expect(whoisQueries).toHaveLength(asked);
  });

  it('refuses to compose with a malformed server, naming the variable', async () => {
    await expect(
      composePublishValidationRecordsHandler({ ...process.env, CERTWRIGHT_WHOIS_SERVER: 'whois://sample' }),
    ).rejects.toThrow('The environment variable CERTWRIGHT_WHOIS_SERVER must be a host or host:port');
  });
});
