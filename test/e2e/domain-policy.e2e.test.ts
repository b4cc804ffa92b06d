import {
  ACMClient,
  type CertificateDetail,
  DescribeCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../support/eventually.ts';
import {
  ACCOUNT_A,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';

// The domain policy on the local stack through the stock SDK client: a name outside the allow list is
// refused at once; a denied name and a public suffix are accepted and then FAILED by the workflow's first
// step, as ACM fails them; a name in the local zone (local.test) is issued as before.

let stack: LocalStack;
let cleanupDataDir: () => Promise<void>;
let acm: ACMClient;

beforeAll(async () => {
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  stack = await startTestStack(
    testSettings(data.dataDir, {
      allowedDomains: '.example.test,.local.test,.co.uk',
      deniedDomains: '.denied.example.test',
    }),
    { fastWorkflow: true },
  );
  acm = new ACMClient({
    endpoint: stack.url,
    region: REGION,
    maxAttempts: 1,
    credentials: { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey },
  });
});

afterAll(async () => {
  acm?.destroy();
  await stack?.stop();
  await cleanupDataDir?.();
});

async function request(domainName: string, subjectAlternativeNames?: string[]): Promise<string> {
  const { CertificateArn } = await acm.send(
    new RequestCertificateCommand({
      DomainName: domainName,
      SubjectAlternativeNames: subjectAlternativeNames,
      ValidationMethod: 'DNS',
    }),
  );
  if (!CertificateArn) throw new Error(`RequestCertificate for ${domainName} returned no ARN`);
  return CertificateArn;
}

async function settled(arn: string): Promise<CertificateDetail> {
  return eventually(async () => {
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    return Certificate?.Status !== 'PENDING_VALIDATION' ? Certificate : undefined;
  }, `${arn} to leave PENDING_VALIDATION`);
}

const validationStatuses = (certificate: CertificateDetail) =>
  Object.fromEntries(
    (certificate.DomainValidationOptions ?? []).map((dvo) => [dvo.DomainName, dvo.ValidationStatus]),
  );

describe('the domain policy', () => {
  it('refuses a name outside the allow list with InvalidParameterException', async () => {
    const error = await request('www.example.org').then(
      () => {
        throw new Error('expected a refusal');
      },
      (caught: Error & { $metadata?: { httpStatusCode?: number } }) => caught,
    );
    expect({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }).toEqual({
      name: 'InvalidParameterException',
      message:
        'Domain name www.example.org is not allowed here: this deployment certifies only .example.test, ' +
        '.local.test, .co.uk (a leading dot means the domain and every name below it).',
      status: 400,
    });
  });

  it('fails a certificate with a denied name with DOMAIN_NOT_ALLOWED', async () => {
    const arn = await request('app.local.test', ['*.denied.example.test']);
    const certificate = await settled(arn);
    expect(certificate).toMatchObject({ Status: 'FAILED', FailureReason: 'DOMAIN_NOT_ALLOWED' });
    expect(validationStatuses(certificate)).toEqual({
      'app.local.test': 'PENDING_VALIDATION',
      '*.denied.example.test': 'FAILED',
    });
  });

  it('fails a wildcard directly under a public suffix with INVALID_PUBLIC_DOMAIN', async () => {
    const certificate = await settled(await request('*.co.uk'));
    expect(certificate).toMatchObject({ Status: 'FAILED', FailureReason: 'INVALID_PUBLIC_DOMAIN' });
    expect(validationStatuses(certificate)).toEqual({ '*.co.uk': 'FAILED' });
  });

  it('issues a certificate for names in the local zone', async () => {
    const certificate = await settled(await request('app.local.test', ['*.app.local.test']));
    expect(certificate.Status).toBe('ISSUED');
  });
});
