import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { awsCliJson, runAwsCli } from '../support/aws-cli.ts';
import { eventually } from '../support/eventually.ts';
import { expectInUseCall } from '../support/in-use-calls.ts';
import { issuedArn } from '../support/issued-certificate.ts';
import {
  acmClient,
  cliTarget,
  makeDataDir,
  startTestStack,
  testSettings,
  useLocalStack,
} from '../support/local-stack-harness.ts';

// The stock AWS CLI against certificates in use: describe-certificate shows InUseBy and the eligibility
// they bring, delete-certificate is refused until DisassociateCertificate; and a stack started with
// CERTWRIGHT_RENEW_ALL_ISSUED=true shows every issued certificate as eligible.

const RESOURCE = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/cli/0123456789abcdef';

interface Described {
  Certificate: {
    Status: string;
    Serial: string;
    InUseBy: string[];
    RenewalEligibility: string;
    RenewalSummary?: {
      RenewalStatus: string;
      DomainValidationOptions: Array<{ DomainName: string; ValidationStatus: string }>;
      UpdatedAt: string;
    };
  };
}

async function issuedOn(stack: LocalStack, domainName: string): Promise<string> {
  const client = acmClient(stack);
  try {
    return await issuedArn(client, { DomainName: domainName, ValidationMethod: 'DNS' });
  } finally {
    client.destroy();
  }
}

function describeWithCli(stack: LocalStack, arn: string): Promise<Described> {
  return awsCliJson<Described>(['acm', 'describe-certificate', '--certificate-arn', arn], cliTarget(stack));
}

describe('aws acm with a certificate in use', () => {
  const local = useLocalStack();

  it('describe-certificate shows InUseBy and ELIGIBLE; delete-certificate is refused until it is disassociated', async () => {
    const arn = await issuedOn(local.stack, 'cli-in-use.local.test');
    expect((await describeWithCli(local.stack, arn)).Certificate).toMatchObject({
      InUseBy: [],
      RenewalEligibility: 'INELIGIBLE',
    });

    await expectInUseCall(local.stack, 'AssociateCertificate', arn, RESOURCE);
    expect((await describeWithCli(local.stack, arn)).Certificate).toMatchObject({
      Status: 'ISSUED',
      InUseBy: [RESOURCE],
      RenewalEligibility: 'ELIGIBLE',
    });

    const refused = await runAwsCli(
      ['acm', 'delete-certificate', '--certificate-arn', arn],
      cliTarget(local.stack),
    );
    expect(refused.code).toBe(254);
    expect(refused.stderr).toContain(
      `An error occurred (ResourceInUseException) when calling the DeleteCertificate operation: Certificate ${arn} is in use by ${RESOURCE}.`,
    );
    expect((await describeWithCli(local.stack, arn)).Certificate.Status).toBe('ISSUED');

    await expectInUseCall(local.stack, 'DisassociateCertificate', arn, RESOURCE);
    const deleted = await runAwsCli(
      ['acm', 'delete-certificate', '--certificate-arn', arn],
      cliTarget(local.stack),
    );
    expect(deleted).toMatchObject({ code: 0, stdout: '' });
    const gone = await runAwsCli(
      ['acm', 'describe-certificate', '--certificate-arn', arn],
      cliTarget(local.stack),
    );
    expect(gone.stderr).toContain('(ResourceNotFoundException)');
  });
});

describe('aws acm renew-certificate', () => {
  const local = useLocalStack();

  it('renews a certificate in use: describe-certificate shows the RenewalSummary and a new serial', async () => {
    const arn = await issuedOn(local.stack, 'cli-renew.local.test');
    const before = (await describeWithCli(local.stack, arn)).Certificate;
    expect(before.RenewalSummary).toBeUndefined();
    await expectInUseCall(local.stack, 'AssociateCertificate', arn, RESOURCE);

    const renewed = await runAwsCli(
      ['acm', 'renew-certificate', '--certificate-arn', arn],
      cliTarget(local.stack),
    );
    expect(renewed).toMatchObject({ code: 0, stdout: '' });

    const after = await eventually(async () => {
      const { Certificate } = await describeWithCli(local.stack, arn);
      return Certificate.RenewalSummary?.RenewalStatus === 'SUCCESS' && Certificate;
    }, 'the renewal to succeed');
    expect(after).toMatchObject({
      Status: 'ISSUED',
      RenewalEligibility: 'ELIGIBLE',
      RenewalSummary: {
        RenewalStatus: 'SUCCESS',
        DomainValidationOptions: [{ DomainName: 'cli-renew.local.test', ValidationStatus: 'SUCCESS' }],
        // The CLI prints timestamps as ISO-8601.
        UpdatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
    expect(after.Serial).not.toBe(before.Serial);
  });
});

describe('aws acm on a stack with CERTWRIGHT_RENEW_ALL_ISSUED=true', () => {
  let stack: LocalStack;
  let cleanupDataDir: () => Promise<void>;

  beforeAll(async () => {
    const data = await makeDataDir();
    cleanupDataDir = data.cleanup;
    stack = await startTestStack(testSettings(data.dataDir, { renewAllIssued: 'true' }));
  });
  afterAll(async () => {
    await stack?.stop();
    await cleanupDataDir?.();
  });

  it('describe-certificate and list-certificates show an issued certificate in use by nothing as ELIGIBLE', async () => {
    const arn = await issuedOn(stack, 'cli-renew-all.local.test');
    expect((await describeWithCli(stack, arn)).Certificate).toMatchObject({
      Status: 'ISSUED',
      InUseBy: [],
      RenewalEligibility: 'ELIGIBLE',
    });
    const listed = await awsCliJson<{
      CertificateSummaryList: Array<{ CertificateArn: string; InUse: boolean; RenewalEligibility: string }>;
    }>(['acm', 'list-certificates'], cliTarget(stack));
    const summary = listed.CertificateSummaryList.find((entry) => entry.CertificateArn === arn);
    expect(summary).toMatchObject({ InUse: false, RenewalEligibility: 'ELIGIBLE' });
  });
});
