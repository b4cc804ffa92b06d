import {
  DescribeCertificateCommand,
  ExportCertificateCommand,
  RenewCertificateCommand,
  RequestCertificateCommand,
  type RequestCertificateCommandInput,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// RenewCertificate through the local stack with @aws-sdk/client-acm: an eligible certificate gets a
// RenewalSummary PENDING_AUTO_RENEWAL; every other one gets ACM's error codes.

const local = useLocalStack();

async function request(input: RequestCertificateCommandInput): Promise<string> {
  const { CertificateArn } = await local.client().send(new RequestCertificateCommand(input));
  if (!CertificateArn) throw new Error('RequestCertificate returned no ARN');
  return CertificateArn;
}

async function issued(domainName: string, exportOption: 'ENABLED' | 'DISABLED' = 'ENABLED'): Promise<string> {
  const arn = await request({
    DomainName: domainName,
    ValidationMethod: 'DNS',
    Options: { Export: exportOption },
  });
  await eventually(async () => (await described(arn)).Status === 'ISSUED', `${arn} to be issued`);
  return arn;
}

async function described(arn: string) {
  const { Certificate } = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${arn}`);
  return Certificate;
}

const renew = (arn: string) => local.client().send(new RenewCertificateCommand({ CertificateArn: arn }));

describe('RenewCertificate', () => {
  it('asks for renewal of an exported certificate: RenewalSummary PENDING_AUTO_RENEWAL, unchanged by a second call', async () => {
    const arn = await issued('renew.local.test');
    expect((await described(arn)).RenewalSummary).toBeUndefined();
    await local.client().send(
      new ExportCertificateCommand({
        CertificateArn: arn,
        Passphrase: new TextEncoder().encode('renew me'),
      }),
    );

    await renew(arn);
    const first = await described(arn);
    expect(first.RenewalEligibility).toBe('ELIGIBLE');
    expect(first.RenewalSummary).toMatchObject({
      RenewalStatus: 'PENDING_AUTO_RENEWAL',
      DomainValidationOptions: [{ DomainName: 'renew.local.test', ValidationStatus: 'SUCCESS' }],
    });
    expect(first.RenewalSummary?.UpdatedAt).toBeInstanceOf(Date);

    await renew(arn);
    expect((await described(arn)).RenewalSummary).toEqual(first.RenewalSummary);
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
