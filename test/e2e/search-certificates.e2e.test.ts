import 'reflect-metadata';
import {
  type CertificateFilterStatement,
  type CertificateSearchResult,
  DescribeCertificateCommand,
  paginateSearchCertificates,
  RequestCertificateCommand,
  SearchCertificatesCommand,
  type SearchCertificatesCommandInput,
} from '@aws-sdk/client-acm';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { asImport, issuedBody } from '../support/certificate-bodies.ts';
import { eventually } from '../support/eventually.ts';
import { ACCOUNT_A, ACCOUNT_B, useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';
import { pendingCertificate } from '../unit/core/core-fixtures.ts';

// SearchCertificates through the local stack with @aws-sdk/client-acm: each filter kind, And/Or/Not,
// sorting and paging with the SDK's paginator, the result shape and the errors. (The AWS CLI v2 of Debian
// 12 predates the operation.) The imported certificate is written to the store directly, as
// ImportCertificate would write it.

const local = useLocalStack();
const arns = { api: '', web: '', ec: '', pending: '', imported: '' };
let apiSerial: string;

async function request(
  DomainName: string,
  extra: Partial<{
    KeyAlgorithm: 'EC_prime256v1';
    SubjectAlternativeNames: string[];
    ValidationMethod: 'EMAIL';
  }> = {},
) {
  const { CertificateArn } = await local
    .client()
    .send(new RequestCertificateCommand({ DomainName, ValidationMethod: 'DNS', ...extra }));
  if (!CertificateArn) throw new Error(`RequestCertificate for ${DomainName} returned no ARN`);
  return CertificateArn;
}

async function describeCertificate(arn: string) {
  const { Certificate } = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
  if (!Certificate) throw new Error(`DescribeCertificate returned nothing for ${arn}`);
  return Certificate;
}

/** Every result of a search, following NextToken with the SDK's paginator. */
async function search(
  input: SearchCertificatesCommandInput = {},
  pageSize = 2,
): Promise<CertificateSearchResult[]> {
  const results: CertificateSearchResult[] = [];
  for await (const page of paginateSearchCertificates({ client: local.client(), pageSize }, input)) {
    expect((page.Results ?? []).length).toBeLessThanOrEqual(pageSize);
    results.push(...(page.Results ?? []));
  }
  return results;
}

async function found(FilterStatement: CertificateFilterStatement): Promise<string[]> {
  return (await search({ FilterStatement })).map((result) => result.CertificateArn as string).sort();
}
const these = (...values: string[]) => [...values].sort();

beforeAll(async () => {
  arns.api = await request('api.local.test');
  arns.web = await request('web.local.test', { SubjectAlternativeNames: ['www.web.local.test'] });
  arns.ec = await request('ec.local.test', { KeyAlgorithm: 'EC_prime256v1' });
  arns.pending = await request('pending.local.test', { ValidationMethod: 'EMAIL' });
  const importedRecord = asImport(
    pendingCertificate({
      accountId: ACCOUNT_A.accountId,
      id: '0e0e0e0e-0000-4000-8000-000000000002',
      domainName: 'legacy.local.test',
      subjectAlternativeNames: ['legacy.local.test'],
      createdAt: '2026-01-01T00:00:00.000Z',
    }),
    await issuedBody({
      subject: 'C=DE, O=Legacy Org, OU=Ops, CN=Legacy Service',
      names: [
        { type: 'dns', value: 'legacy.local.test' },
        { type: 'ip', value: '192.0.2.7' },
      ],
      serialHex: '0badc0de',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      keyUsages: x509.KeyUsageFlags.keyAgreement,
    }),
  );
  await local.stack.store.create(importedRecord);
  arns.imported = importedRecord.arn;
  await eventually(
    async () =>
      (await Promise.all([arns.api, arns.web, arns.ec].map(describeCertificate))).every(
        (c) => c.Status === 'ISSUED',
      ),
    'the certificates under local.test to be issued',
  );
  apiSerial = (await describeCertificate(arns.api)).Serial as string;
}, 60_000);

describe('SearchCertificates results', () => {
  it('returns the X.509 attributes of a body and the ACM metadata', async () => {
    const [imported] = await search({ FilterStatement: { Filter: { CertificateArn: arns.imported } } });
    expect(imported).toEqual({
      CertificateArn: arns.imported,
      X509Attributes: {
        Issuer: {
          Country: 'DE',
          Organization: 'Legacy Org',
          OrganizationalUnit: 'Ops',
          CommonName: 'Legacy Service',
        },
        Subject: {
          Country: 'DE',
          Organization: 'Legacy Org',
          OrganizationalUnit: 'Ops',
          CommonName: 'Legacy Service',
        },
        SubjectAlternativeNames: [{ DnsName: 'legacy.local.test' }, { IpAddress: '192.0.2.7' }],
        ExtendedKeyUsages: [],
        KeyAlgorithm: 'EC_prime256v1',
        KeyUsages: ['KEY_AGREEMENT'],
        SerialNumber: '0b:ad:c0:de',
        NotAfter: new Date('2036-01-01T00:00:00Z'),
        NotBefore: new Date('2026-01-01T00:00:00Z'),
      },
      CertificateMetadata: {
        AcmCertificateMetadata: {
          Status: 'ISSUED',
          Type: 'IMPORTED',
          InUse: false,
          Exported: false,
          CertificateKeyPairOrigin: 'CUSTOMER_PROVIDED',
          CreatedAt: new Date('2026-01-01T00:00:00Z'),
          ImportedAt: new Date('2026-01-01T00:00:00Z'),
          RenewalEligibility: 'INELIGIBLE',
        },
      },
    });
    const [pending] = await search({ FilterStatement: { Filter: { CertificateArn: arns.pending } } });
    expect(pending?.X509Attributes).toBeUndefined();
    expect(pending?.CertificateMetadata?.AcmCertificateMetadata).toMatchObject({
      Status: 'PENDING_VALIDATION',
      Type: 'AMAZON_ISSUED',
      ValidationMethod: 'EMAIL',
      ExportOption: 'DISABLED',
      CertificateKeyPairOrigin: 'AWS_MANAGED',
    });
  });

  it('answers every certificate of the account, and only of the account', async () => {
    expect((await search()).map((result) => result.CertificateArn).sort()).toEqual(
      these(arns.api, arns.web, arns.ec, arns.pending, arns.imported),
    );
    const other = await local.client(ACCOUNT_B).send(new SearchCertificatesCommand({}));
    expect(other.Results).toEqual([]);
  });
});

describe('SearchCertificates filters', () => {
  it('matches X.509 attributes; a pending certificate matches none of them', async () => {
    const x509Filter = (X509AttributeFilter: object) =>
      found({ Filter: { X509AttributeFilter } } as CertificateFilterStatement);
    expect(
      await x509Filter({
        Subject: { CommonName: { Value: 'api.local.test', ComparisonOperator: 'EQUALS' } },
      }),
    ).toEqual([arns.api]);
    expect(
      await x509Filter({ Subject: { CommonName: { Value: 'legacy', ComparisonOperator: 'CONTAINS' } } }),
    ).toEqual([arns.imported]);
    expect(
      await x509Filter({
        SubjectAlternativeName: { DnsName: { Value: 'www.web.local.test', ComparisonOperator: 'EQUALS' } },
      }),
    ).toEqual([arns.web]);
    expect(
      await x509Filter({
        SubjectAlternativeName: { DnsName: { Value: 'local.test', ComparisonOperator: 'CONTAINS' } },
      }),
    ).toEqual(these(arns.api, arns.web, arns.ec, arns.imported));
    expect(await x509Filter({ ExtendedKeyUsage: 'NONE' })).toEqual([arns.imported]);
    expect(await x509Filter({ KeyUsage: 'KEY_ENCIPHERMENT' })).toEqual(these(arns.api, arns.web));
    expect(await x509Filter({ KeyAlgorithm: 'EC_prime256v1' })).toEqual(these(arns.ec, arns.imported));
    expect(await x509Filter({ SerialNumber: apiSerial.toLowerCase() })).toEqual([arns.api]);
    expect(await x509Filter({ NotAfter: { Start: new Date('2035-01-01T00:00:00Z') } })).toEqual([
      arns.imported,
    ]);
    expect(await x509Filter({ NotBefore: { End: new Date('2026-01-01T00:00:00Z') } })).toEqual([
      arns.imported,
    ]);
  });

  it('matches ACM metadata, pending certificates included', async () => {
    const metadata = (AcmCertificateMetadataFilter: object) =>
      found({ Filter: { AcmCertificateMetadataFilter } } as CertificateFilterStatement);
    expect(await metadata({ Status: 'PENDING_VALIDATION' })).toEqual([arns.pending]);
    expect(await metadata({ Type: 'IMPORTED' })).toEqual([arns.imported]);
    expect(await metadata({ CertificateKeyPairOrigin: 'AWS_MANAGED' })).toEqual(
      these(arns.api, arns.web, arns.ec, arns.pending),
    );
    expect(await metadata({ ValidationMethod: 'DNS' })).toEqual(these(arns.api, arns.web, arns.ec));
    expect(await metadata({ ExportOption: 'DISABLED' })).toEqual(
      these(arns.api, arns.web, arns.ec, arns.pending),
    );
    expect(await metadata({ InUse: false })).toHaveLength(5);
    expect(await metadata({ Exported: true })).toEqual([]);
    expect(await metadata({ ManagedBy: 'CLOUDFRONT' })).toEqual([]);
    expect(await metadata({ RenewalStatus: 'SUCCESS' })).toEqual([]);
    expect(await metadata({ AcmeAccountId: 'any' })).toEqual([]);
  });

  it('combines filters with And, Or and Not', async () => {
    const ec: CertificateFilterStatement = {
      Filter: { X509AttributeFilter: { KeyAlgorithm: 'EC_prime256v1' } },
    };
    const imported: CertificateFilterStatement = {
      Filter: { AcmCertificateMetadataFilter: { Type: 'IMPORTED' } },
    };
    const pending: CertificateFilterStatement = {
      Filter: { AcmCertificateMetadataFilter: { Status: 'PENDING_VALIDATION' } },
    };
    expect(await found({ And: [ec, { Not: imported }] })).toEqual([arns.ec]);
    expect(await found({ Or: [imported, pending] })).toEqual(these(arns.imported, arns.pending));
    expect(await found({ Not: { Or: [ec, pending] } })).toEqual(these(arns.api, arns.web));
  });
});

describe('SearchCertificates sorting and pages', () => {
  it('sorts by the chosen field both ways, across pages of MaxResults', async () => {
    const names = async (SortOrder: 'ASCENDING' | 'DESCENDING') =>
      (await search({ SortBy: 'COMMON_NAME', SortOrder }, 2)).map(
        (result) => result.X509Attributes?.Subject?.CommonName ?? '(pending)',
      );
    expect(await names('ASCENDING')).toEqual([
      '(pending)',
      'Legacy Service',
      'api.local.test',
      'ec.local.test',
      'web.local.test',
    ]);
    expect(await names('DESCENDING')).toEqual([
      'web.local.test',
      'ec.local.test',
      'api.local.test',
      'Legacy Service',
      '(pending)',
    ]);
    const byDefault = await search({}, 1);
    const created = byDefault.map(
      (result) => result.CertificateMetadata?.AcmCertificateMetadata?.CreatedAt?.getTime() ?? 0,
    );
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const first = await local.client().send(new SearchCertificatesCommand({ MaxResults: 4 }));
    expect(first.Results).toHaveLength(4);
    expect(first.NextToken).toEqual(expect.any(String));
  });

  it('answers ValidationException for a malformed statement, a bad MaxResults and a bad NextToken', async () => {
    const send = (input: SearchCertificatesCommandInput) =>
      rejectionOf(local.client().send(new SearchCertificatesCommand(input)));
    const arnFilter: CertificateFilterStatement = { Filter: { CertificateArn: arns.api } };
    expect(await send({ FilterStatement: {} as CertificateFilterStatement })).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '{}' at 'filterStatement' failed to satisfy constraint: Member must have exactly one of these members set: [And, Or, Not, Filter]",
    });
    const twoMembers = { And: [arnFilter], Or: [arnFilter] } as unknown as CertificateFilterStatement;
    expect((await send({ FilterStatement: twoMembers })).name).toBe('ValidationException');
    expect((await send({ FilterStatement: { And: Array(16).fill(arnFilter) } })).message).toContain(
      "at 'filterStatement.and' failed to satisfy constraint: Member must have length less than or equal to 15",
    );
    expect((await send({ MaxResults: 501 })).message).toContain("Value '501' at 'maxResults'");
    expect((await send({ SortBy: 'SIZE' as 'CREATED_AT' })).message).toContain("at 'sortBy'");

    const { NextToken } = await local.client().send(new SearchCertificatesCommand({ MaxResults: 1 }));
    const invalid = { name: 'ValidationException', message: 'The NextToken is not valid for this request.' };
    expect(await send({ MaxResults: 1, NextToken: `${NextToken}x` })).toEqual(invalid);
    expect(await send({ MaxResults: 1, NextToken, SortOrder: 'DESCENDING' })).toEqual(invalid);
    expect(await send({ MaxResults: 1, NextToken, FilterStatement: arnFilter })).toEqual(invalid);
  });
});
