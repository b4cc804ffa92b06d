import 'reflect-metadata';
import {
  type CertificateSummary,
  DescribeCertificateCommand,
  type KeyAlgorithm,
  ListCertificatesCommand,
  type ListCertificatesCommandInput,
  paginateListCertificates,
  RequestCertificateCommand,
  type RequestCertificateCommandInput,
} from '@aws-sdk/client-acm';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsCliJson } from '../support/aws-cli.ts';
import { asImport, issuedBody } from '../support/certificate-bodies.ts';
import { eventually } from '../support/eventually.ts';
import { ACCOUNT_A, cliTarget, useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';
import { pendingCertificate } from '../unit/core/core-fixtures.ts';

// ListCertificates through the local stack with @aws-sdk/client-acm and the AWS CLI: every filter, ACM's
// defaults, sorting both ways, MaxItems, the SDK's paginator, and the errors. Names under local.test are
// issued within seconds; the EMAIL-validated one stays pending. The imported certificate is written to the
// store directly, as ImportCertificate would write it.

const local = useLocalStack();
const ALL_KEY_TYPES: KeyAlgorithm[] = ['RSA_2048', 'RSA_4096', 'EC_prime256v1'];

const arns = {
  rsa: [] as string[],
  rsa4096: '',
  ec: '',
  ecExportable: '',
  pending: '',
  imported: '',
};

async function request(
  input: Omit<RequestCertificateCommandInput, 'ValidationMethod'> & { ValidationMethod?: 'DNS' | 'EMAIL' },
) {
  const { CertificateArn } = await local
    .client()
    .send(new RequestCertificateCommand({ ValidationMethod: 'DNS', ...input }));
  if (!CertificateArn) throw new Error(`RequestCertificate for ${input.DomainName} returned no ARN`);
  return CertificateArn;
}

async function status(arn: string) {
  return (await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate
    ?.Status;
}

async function list(input: ListCertificatesCommandInput = {}): Promise<CertificateSummary[]> {
  const summaries: CertificateSummary[] = [];
  for await (const page of paginateListCertificates({ client: local.client(), pageSize: 2 }, input)) {
    summaries.push(...(page.CertificateSummaryList ?? []));
  }
  return summaries;
}

const arnsOf = (summaries: CertificateSummary[]) => summaries.map((summary) => summary.CertificateArn);
const sorted = (values: string[]) => [...values].sort();

beforeAll(async () => {
  for (let index = 0; index < 3; index++)
    arns.rsa.push(await request({ DomainName: `rsa-${index}.local.test` }));
  arns.rsa4096 = await request({
    DomainName: 'rsa4096.local.test',
    KeyAlgorithm: 'RSA_4096' as KeyAlgorithm,
  });
  arns.ec = await request({ DomainName: 'ec.local.test', KeyAlgorithm: 'EC_prime256v1' });
  arns.ecExportable = await request({
    DomainName: 'exportable.local.test',
    KeyAlgorithm: 'EC_prime256v1',
    Options: { Export: 'ENABLED' },
  });
  arns.pending = await request({ DomainName: 'pending.local.test', ValidationMethod: 'EMAIL' });
  const importedRecord = asImport(
    pendingCertificate({
      accountId: ACCOUNT_A.accountId,
      id: '0e0e0e0e-0000-4000-8000-000000000001',
      domainName: 'imported.local.test',
      subjectAlternativeNames: ['imported.local.test'],
    }),
    await issuedBody({
      subject: 'CN=imported.local.test, O=Imported Org',
      names: [{ type: 'dns', value: 'imported.local.test' }],
      keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
    }),
  );
  await local.stack.store.create(importedRecord);
  arns.imported = importedRecord.arn;
  const issued = [...arns.rsa, arns.rsa4096, arns.ec, arns.ecExportable];
  await eventually(
    async () => (await Promise.all(issued.map(status))).every((value) => value === 'ISSUED'),
    'the certificates under local.test to be issued',
  );
}, 60_000);

describe('ListCertificates filters', () => {
  it('lists only RSA_2048 certificates, of both origins, unless key types are named', async () => {
    expect(sorted(arnsOf(await list()) as string[])).toEqual(sorted([...arns.rsa, arns.pending]));
    expect(sorted(arnsOf(await list({ Includes: { keyTypes: ['EC_prime256v1'] } })) as string[])).toEqual(
      sorted([arns.ec, arns.ecExportable, arns.imported]),
    );
    expect(arnsOf(await list({ Includes: { keyTypes: ['RSA_4096'] } }))).toEqual([arns.rsa4096]);
  });

  it('answers every member of CertificateSummary, and CertificateKeyPairOrigin in the detail too', async () => {
    const [summary] = await list({ Includes: { keyTypes: ['RSA_4096'] } });
    expect(summary).toEqual({
      CertificateArn: arns.rsa4096,
      DomainName: 'rsa4096.local.test',
      SubjectAlternativeNameSummaries: ['rsa4096.local.test'],
      HasAdditionalSubjectAlternativeNames: false,
      Status: 'ISSUED',
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: 'RSA-4096',
      KeyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      ExtendedKeyUsages: ['TLS_WEB_SERVER_AUTHENTICATION'],
      ExportOption: 'DISABLED',
      InUse: false,
      Exported: false,
      RenewalEligibility: 'INELIGIBLE',
      NotBefore: expect.any(Date),
      NotAfter: expect.any(Date),
      CreatedAt: expect.any(Date),
      IssuedAt: expect.any(Date),
      CertificateKeyPairOrigin: 'AWS_MANAGED',
    });
    const imported = await local
      .client()
      .send(new DescribeCertificateCommand({ CertificateArn: arns.imported }));
    expect(imported.Certificate?.CertificateKeyPairOrigin).toBe('CUSTOMER_PROVIDED');
  });

  it('filters by status, key usage and extended key usage (any of those named)', async () => {
    const every = { keyTypes: ALL_KEY_TYPES };
    expect(arnsOf(await list({ CertificateStatuses: ['PENDING_VALIDATION'], Includes: every }))).toEqual([
      arns.pending,
    ]);
    expect(
      sorted(arnsOf(await list({ Includes: { ...every, keyUsage: ['KEY_ENCIPHERMENT'] } })) as string[]),
    ).toEqual(sorted([...arns.rsa, arns.rsa4096]));
    expect(
      sorted(
        arnsOf(
          await list({ Includes: { ...every, keyUsage: ['KEY_AGREEMENT', 'KEY_ENCIPHERMENT'] } }),
        ) as string[],
      ),
    ).toEqual(sorted([...arns.rsa, arns.rsa4096, arns.imported]));
    expect(
      sorted(
        arnsOf(
          await list({ Includes: { ...every, extendedKeyUsage: ['TLS_WEB_SERVER_AUTHENTICATION'] } }),
        ) as string[],
      ),
    ).toEqual(sorted([...arns.rsa, arns.rsa4096, arns.ec, arns.ecExportable]));
    expect(
      sorted(arnsOf(await list({ Includes: { ...every, extendedKeyUsage: ['NONE'] } })) as string[]),
    ).toEqual(sorted([arns.pending, arns.imported]));
  });

  it('filters by export option, managed by and key pair origin', async () => {
    const every = { keyTypes: ALL_KEY_TYPES };
    expect(arnsOf(await list({ Includes: { ...every, exportOption: 'ENABLED' } }))).toEqual([
      arns.ecExportable,
    ]);
    expect(await list({ Includes: { ...every, managedBy: 'CLOUDFRONT' } })).toEqual([]);
    expect(arnsOf(await list({ CertificateKeyPairOrigins: ['CUSTOMER_PROVIDED'], Includes: every }))).toEqual(
      [arns.imported],
    );
    expect(await list({ CertificateKeyPairOrigins: ['ACME'], Includes: every })).toEqual([]);
    expect((await list({ CertificateKeyPairOrigins: ['AWS_MANAGED', 'ACME'], Includes: every })).length).toBe(
      7,
    );
  });
});

describe('ListCertificates sorting and pages', () => {
  it('sorts by CREATED_AT both ways across pages of MaxItems', async () => {
    const every = { keyTypes: ALL_KEY_TYPES };
    const ascending = await list({ Includes: every, SortBy: 'CREATED_AT', SortOrder: 'ASCENDING' });
    const descending = await list({ Includes: every, SortBy: 'CREATED_AT', SortOrder: 'DESCENDING' });
    expect(ascending).toHaveLength(8);
    const times = ascending.map((summary) => summary.CreatedAt?.getTime() as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(arnsOf(descending)).toEqual(arnsOf(ascending).reverse());

    const first = await local.client().send(
      new ListCertificatesCommand({
        Includes: every,
        SortBy: 'CREATED_AT',
        SortOrder: 'ASCENDING',
        MaxItems: 3,
      }),
    );
    expect(arnsOf(first.CertificateSummaryList ?? [])).toEqual(arnsOf(ascending).slice(0, 3));
    expect(first.NextToken).toEqual(expect.any(String));
  });

  it('answers ValidationException for SortBy without SortOrder and bad members, InvalidArgs for a bad token', async () => {
    const send = (input: ListCertificatesCommandInput) =>
      rejectionOf(local.client().send(new ListCertificatesCommand(input)));
    const together = 'SortBy and SortOrder must be specified together: give both or neither.';
    expect(await send({ SortBy: 'CREATED_AT' })).toEqual({ name: 'ValidationException', message: together });
    expect(await send({ SortOrder: 'DESCENDING' })).toEqual({
      name: 'ValidationException',
      message: together,
    });
    expect(await send({ CertificateKeyPairOrigins: [] })).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[]' at 'certificateKeyPairOrigins' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    expect((await send({ CertificateKeyPairOrigins: ['ACME', 'ACME', 'ACME', 'ACME'] })).message).toContain(
      'Member must have length less than or equal to 3',
    );
    expect((await send({ Includes: { keyUsage: ['SIGNING' as 'ANY'] } })).message).toContain(
      "at 'includes.keyUsage'",
    );
    expect((await send({ Includes: { exportOption: 'MAYBE' as 'ENABLED' } })).message).toContain(
      "Value 'MAYBE' at 'includes.exportOption'",
    );
    expect((await send({ SortBy: 'NAME' as 'CREATED_AT', SortOrder: 'ASCENDING' })).message).toContain(
      "at 'sortBy'",
    );
    expect((await send({ MaxItems: 1001 })).message).toContain("Value '1001' at 'maxItems'");

    const { NextToken } = await local.client().send(new ListCertificatesCommand({ MaxItems: 1 }));
    expect(NextToken).toEqual(expect.any(String));
    const invalid = { name: 'InvalidArgsException', message: 'The NextToken is not valid for this request.' };
    expect(await send({ MaxItems: 1, NextToken: `x${NextToken}` })).toEqual(invalid);
    expect(await send({ MaxItems: 1, NextToken, CertificateStatuses: ['ISSUED'] })).toEqual(invalid);
    expect(await send({ MaxItems: 1, NextToken, SortBy: 'CREATED_AT', SortOrder: 'ASCENDING' })).toEqual(
      invalid,
    );
  });

  it('pages with the AWS CLI: auto-pagination, --max-items and --starting-token', async () => {
    const cli = cliTarget(local.stack);
    const base = [
      'acm',
      'list-certificates',
      '--certificate-statuses',
      'ISSUED',
      '--includes',
      'keyTypes=EC_prime256v1',
    ];
    type Listing = { CertificateSummaryList: CertificateSummary[]; NextToken?: string };
    // --page-size 1: one certificate per call, the CLI follows NextToken on its own.
    const all = await awsCliJson<Listing>([...base, '--page-size', '1'], cli);
    expect(sorted(arnsOf(all.CertificateSummaryList) as string[])).toEqual(
      sorted([arns.ec, arns.ecExportable, arns.imported]),
    );
    const first = await awsCliJson<Listing>([...base, '--max-items', '1'], cli);
    expect(first.CertificateSummaryList).toHaveLength(1);
    expect(first.NextToken).toEqual(expect.any(String));
    const rest = await awsCliJson<Listing>([...base, '--starting-token', first.NextToken as string], cli);
    expect(
      sorted(arnsOf([...first.CertificateSummaryList, ...rest.CertificateSummaryList]) as string[]),
    ).toEqual(sorted([arns.ec, arns.ecExportable, arns.imported]));
  });
});
