import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  RequestCertificateCommand,
  RevokeCertificateCommand,
  SearchCertificatesCommand,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { expectInUseCall, inUseCall } from '../support/in-use-calls.ts';
import { ACCOUNT_B, REGION, useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// AssociateCertificate and DisassociateCertificate through the local stack (signed calls, as no stock
// client has them), and what @aws-sdk/client-acm then sees: InUseBy, InUse, RenewalEligibility, and
// DeleteCertificate and RevokeCertificate refused while the certificate is in use.

const local = useLocalStack();
const LOAD_BALANCER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/50dc6c495c0c9188';
const DISTRIBUTION = 'arn:aws:cloudfront::111111111111:distribution/E2QWRUHAPOMQZL';

async function requested(domainName: string, validationMethod: 'DNS' | 'EMAIL' = 'DNS'): Promise<string> {
  const { CertificateArn } = await local
    .client()
    .send(new RequestCertificateCommand({ DomainName: domainName, ValidationMethod: validationMethod }));
  if (!CertificateArn) throw new Error('RequestCertificate returned no ARN');
  return CertificateArn;
}

async function issued(domainName: string): Promise<string> {
  const arn = await requested(domainName);
  await eventually(async () => (await described(arn)).Status === 'ISSUED', `${arn} to be issued`);
  return arn;
}

async function described(arn: string) {
  const { Certificate } = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${arn}`);
  return Certificate;
}

async function listedSummary(arn: string) {
  const { CertificateSummaryList } = await local.client().send(new ListCertificatesCommand({}));
  return CertificateSummaryList?.find((summary) => summary.CertificateArn === arn);
}

async function searchedInUse(): Promise<string[]> {
  const { Results } = await local.client().send(
    new SearchCertificatesCommand({
      FilterStatement: { Filter: { AcmCertificateMetadataFilter: { InUse: true } } },
    }),
  );
  return (Results ?? []).map((result) => result.CertificateArn ?? '');
}

const associate = (arn: string, resource: string) =>
  expectInUseCall(local.stack, 'AssociateCertificate', arn, resource);
const disassociate = (arn: string, resource: string) =>
  expectInUseCall(local.stack, 'DisassociateCertificate', arn, resource);

describe('a certificate in use', () => {
  it('shows its resources and is eligible; Delete and Revoke are refused until the last one is gone', async () => {
    const arn = await issued('in-use.local.test');
    expect(await described(arn)).toMatchObject({ InUseBy: [], RenewalEligibility: 'INELIGIBLE' });

    const answer = await inUseCall(local.stack, 'AssociateCertificate', {
      CertificateArn: arn,
      ResourceArn: LOAD_BALANCER,
    });
    expect(answer).toEqual({ status: 200, json: {} });
    await associate(arn, DISTRIBUTION);
    await associate(arn, LOAD_BALANCER); // again: nothing changes

    expect(await described(arn)).toMatchObject({
      InUseBy: [LOAD_BALANCER, DISTRIBUTION],
      RenewalEligibility: 'ELIGIBLE',
    });
    expect(await listedSummary(arn)).toMatchObject({ InUse: true, RenewalEligibility: 'ELIGIBLE' });
    expect(await searchedInUse()).toContain(arn);

    const inUse = `Certificate ${arn} is in use by ${LOAD_BALANCER}, ${DISTRIBUTION}.`;
    expect(
      await rejectionOf(local.client().send(new DeleteCertificateCommand({ CertificateArn: arn }))),
    ).toEqual({ name: 'ResourceInUseException', message: inUse });
    expect(
      await rejectionOf(
        local
          .client()
          .send(new RevokeCertificateCommand({ CertificateArn: arn, RevocationReason: 'KEY_COMPROMISE' })),
      ),
    ).toEqual({ name: 'ResourceInUseException', message: inUse });
    expect((await described(arn)).Status).toBe('ISSUED');

    await disassociate(arn, LOAD_BALANCER);
    await disassociate(arn, LOAD_BALANCER); // not there any more: nothing changes
    expect((await described(arn)).InUseBy).toEqual([DISTRIBUTION]);
    expect(
      (await rejectionOf(local.client().send(new DeleteCertificateCommand({ CertificateArn: arn })))).name,
    ).toBe('ResourceInUseException');

    await disassociate(arn, DISTRIBUTION);
    expect(await described(arn)).toMatchObject({ InUseBy: [], RenewalEligibility: 'INELIGIBLE' });
    expect(await listedSummary(arn)).toMatchObject({ InUse: false });
    expect(await searchedInUse()).not.toContain(arn);
    await local.client().send(new DeleteCertificateCommand({ CertificateArn: arn }));
    expect(
      (await rejectionOf(local.client().send(new DescribeCertificateCommand({ CertificateArn: arn })))).name,
    ).toBe('ResourceNotFoundException');
  });

  it('loses none of 20 concurrent associations', async () => {
    const arn = await issued('in-use-concurrent.local.test');
    const resources = Array.from({ length: 20 }, (_, index) => `${LOAD_BALANCER}-${index}`);
    await Promise.all(resources.map((resource) => associate(arn, resource)));
    expect([...((await described(arn)).InUseBy ?? [])].sort()).toEqual([...resources].sort());

    await Promise.all(resources.slice(0, 10).map((resource) => disassociate(arn, resource)));
    expect([...((await described(arn)).InUseBy ?? [])].sort()).toEqual(resources.slice(10).sort());
  });

  it('takes at most 100 resources', async () => {
    const arn = await issued('in-use-limit.local.test');
    for (let index = 0; index < 100; index++) await associate(arn, `resource-${index}`);
    expect(
      await inUseCall(local.stack, 'AssociateCertificate', {
        CertificateArn: arn,
        ResourceArn: 'resource-100',
      }),
    ).toEqual({
      status: 400,
      json: {
        __type: 'LimitExceededException',
        message: `Certificate ${arn} is already associated with 100 resources, the most one certificate may be; disassociate one first.`,
      },
    });
    expect(
      await inUseCall(local.stack, 'AssociateCertificate', {
        CertificateArn: arn,
        ResourceArn: 'resource-99',
      }),
    ).toEqual({ status: 200, json: {} });
    expect((await described(arn)).InUseBy).toHaveLength(100);
  });
});

describe('errors', () => {
  const call = (operation: 'AssociateCertificate' | 'DisassociateCertificate', body: object) =>
    inUseCall(local.stack, operation, body);

  it('refuses a certificate that is not issued yet', async () => {
    const pending = await requested('in-use-pending.local.test', 'EMAIL');
    expect(
      await call('AssociateCertificate', { CertificateArn: pending, ResourceArn: LOAD_BALANCER }),
    ).toEqual({
      status: 400,
      json: {
        __type: 'RequestInProgressException',
        message: `Certificate ${pending} has not been issued yet; its status is PENDING_VALIDATION. Only an ISSUED certificate can be associated with a resource.`,
      },
    });
    expect((await described(pending)).InUseBy).toEqual([]);
  });

  for (const operation of ['AssociateCertificate', 'DisassociateCertificate'] as const) {
    it(`${operation}: ACM's answers to bad members, unknown and malformed ARNs`, async () => {
      const arn = await requested(`in-use-errors-${operation.toLowerCase()}.local.test`);
      const missing = arn.replace(/[0-9a-f]{12}$/, '000000000000');
      const cases: Array<[object, string, string]> = [
        [
          { ResourceArn: LOAD_BALANCER },
          'ValidationException',
          "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
        ],
        [
          { CertificateArn: arn },
          'ValidationException',
          "1 validation error detected: Value null at 'resourceArn' failed to satisfy constraint: Member must not be null",
        ],
        [
          { CertificateArn: arn, ResourceArn: '' },
          'ValidationException',
          "1 validation error detected: Value '' at 'resourceArn' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ],
        [
          { CertificateArn: arn, ResourceArn: 'x'.repeat(2049) },
          'ValidationException',
          `1 validation error detected: Value '${'x'.repeat(2049)}' at 'resourceArn' failed to satisfy constraint: Member must have length less than or equal to 2048`,
        ],
        [
          { CertificateArn: arn, ResourceArn: 'bad\u0000name' },
          'ValidationException',
          "1 validation error detected: Value 'bad\u0000name' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\p{Cc}\\p{Cs}]+",
        ],
        [
          { CertificateArn: arn, ResourceArn: 42 },
          'SerializationException',
          'Member ResourceArn must be a string.',
        ],
        [
          { CertificateArn: missing, ResourceArn: LOAD_BALANCER },
          'ResourceNotFoundException',
          `Could not find certificate ${missing}.`,
        ],
        [
          { CertificateArn: `arn:aws:acm:${REGION}:111111111111:private-ca/abc`, ResourceArn: LOAD_BALANCER },
          'InvalidArnException',
          `String 'arn:aws:acm:${REGION}:111111111111:private-ca/abc' is not a valid ARN.`,
        ],
      ];
      for (const [body, type, message] of cases) {
        expect(await call(operation, body), JSON.stringify(body).slice(0, 80)).toEqual({
          status: 400,
          json: { __type: type, message },
        });
      }
      expect(
        await inUseCall(
          local.stack,
          operation,
          { CertificateArn: arn, ResourceArn: LOAD_BALANCER },
          ACCOUNT_B,
        ),
      ).toEqual({
        status: 400,
        json: { __type: 'ResourceNotFoundException', message: `Could not find certificate ${arn}.` },
      });
      expect((await described(arn)).InUseBy).toEqual([]);
    });
  }
});
