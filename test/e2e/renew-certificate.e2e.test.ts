import { readFile } from 'node:fs/promises';
import {
  DescribeCertificateCommand,
  ExportCertificateCommand,
  GetCertificateCommand,
  RenewCertificateCommand,
  type RequestCertificateCommandInput,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { issuedArn, requestedArn } from '../support/issued-certificate.ts';
import { useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// RenewCertificate through the local stack with @aws-sdk/client-acm: an eligible certificate is renewed by
// its renewal run (new serial, same ARN, RenewalSummary SUCCESS, an Available RENEWAL event); every other one
// gets ACM's error codes.

const local = useLocalStack();

function request(input: RequestCertificateCommandInput): Promise<string> {
  return requestedArn(local.client(), input);
}

function issued(domainName: string, exportOption: 'ENABLED' | 'DISABLED' = 'ENABLED'): Promise<string> {
  return issuedArn(local.client(), {
    DomainName: domainName,
    ValidationMethod: 'DNS',
    Options: { Export: exportOption },
  });
}

async function described(arn: string) {
  const { Certificate } = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${arn}`);
  return Certificate;
}

const renew = (arn: string) => local.client().send(new RenewCertificateCommand({ CertificateArn: arn }));

async function certificateBody(arn: string): Promise<string | undefined> {
  return (await local.client().send(new GetCertificateCommand({ CertificateArn: arn }))).Certificate;
}

interface LoggedEvent {
  'detail-type'?: string;
  resources?: string[];
  detail?: { Action?: string };
}

/** The certificate events the local stack logged, one JSON object a line. */
async function events(): Promise<LoggedEvent[]> {
  const text = await readFile(local.stack.eventLogPath, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoggedEvent);
}

describe('RenewCertificate', () => {
  it('renews an exported DNS-validated certificate: new serial under the same ARN, SUCCESS, the new body served', async () => {
    const arn = await issued('renew.local.test');
    expect((await described(arn)).RenewalSummary).toBeUndefined();
    await local.client().send(
      new ExportCertificateCommand({
        CertificateArn: arn,
        Passphrase: new TextEncoder().encode('renew me'),
      }),
    );
    const before = await described(arn);
    const oldBody = await certificateBody(arn);

    await renew(arn);
    const renewed = await eventually(async () => {
      const current = await described(arn);
      return current.RenewalSummary?.RenewalStatus === 'SUCCESS' && current;
    }, 'the renewal to succeed');

    expect(renewed.CertificateArn).toBe(arn);
    expect(renewed.Status).toBe('ISSUED');
    expect(renewed.Serial).not.toBe(before.Serial);
    expect(renewed.NotAfter?.getTime()).toBeGreaterThanOrEqual(before.NotAfter?.getTime() ?? 0);
    expect(renewed.DomainName).toBe(before.DomainName);
    expect(renewed.KeyAlgorithm).toBe(before.KeyAlgorithm);
    expect(renewed.RenewalSummary?.DomainValidationOptions).toMatchObject([
      { DomainName: 'renew.local.test', ValidationStatus: 'SUCCESS' },
    ]);
    expect(renewed.RenewalSummary?.RenewalStatusReason).toBeUndefined();
    const newBody = await certificateBody(arn);
    expect(newBody).not.toBe(oldBody);
    expect(newBody).toContain('BEGIN CERTIFICATE');

    const available = (await events()).filter(
      (event) => event['detail-type'] === 'ACM Certificate Available' && event.resources?.[0] === arn,
    );
    expect(available.map((event) => event.detail?.Action)).toEqual(['ISSUANCE', 'RENEWAL']);
  });

  it('refuses an issued certificate that is neither exported nor in use (ValidationException)', async () => {
    const exportable = await issued('renew-unexported.local.test');
    expect(await rejectionOf(renew(exportable))).toEqual({
      name: 'ValidationException',
      message: `Certificate ${exportable} is not eligible for renewal: it is neither exported nor in use; export it (ExportCertificate) to make it eligible.`,
    });
    const notExportable = await issued('renew-disabled.local.test', 'DISABLED');
    expect(await rejectionOf(renew(notExportable))).toEqual({
      name: 'ValidationException',
      message: `Certificate ${notExportable} is not eligible for renewal: it is neither exported nor in use; it was requested with Export DISABLED, so only use by another resource would make it eligible.`,
    });
    expect((await described(exportable)).RenewalSummary).toBeUndefined();
  });

  it('answers RequestInProgressException before the certificate is issued', async () => {
    const arn = await request({ DomainName: 'renew-pending.local.test', ValidationMethod: 'EMAIL' });
    expect(await rejectionOf(renew(arn))).toEqual({
      name: 'RequestInProgressException',
      message: `Certificate ${arn} has not been issued yet; its status is PENDING_VALIDATION.`,
    });
  });

  it('answers ResourceNotFoundException for an unknown certificate and InvalidArnException for a non-certificate ARN', async () => {
    const missing = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000';
    expect(await rejectionOf(renew(missing))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${missing}.`,
    });
    expect((await rejectionOf(renew('arn:aws:acm:us-east-1:111111111111:private-ca/abc'))).name).toBe(
      'InvalidArnException',
    );
    const withoutArn = {} as unknown as { CertificateArn: string };
    expect(await rejectionOf(local.client().send(new RenewCertificateCommand(withoutArn)))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
    });
  });
});
