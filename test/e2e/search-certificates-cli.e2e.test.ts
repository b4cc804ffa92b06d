import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAwsCliWithModel, writeAcmCliModel } from '../support/aws-cli-acm-model.ts';
import { eventually } from '../support/eventually.ts';
import { cliTarget, useLocalStack } from '../support/local-stack-harness.ts';

// `aws acm search-certificates` against the local stack. AWS CLIs older than ACM's SearchCertificates
// (Debian 12's 2.9.19) have no such command: the test gives the installed CLI its own ACM model plus the
// operation and its paginator, with the shapes of the installed @aws-sdk/client-acm (through AWS_DATA_PATH).

const AWS_CLI = process.env.CERTWRIGHT_AWS_CLI ?? '/usr/bin/aws';
const local = useLocalStack();
let dataPath: string;
const arns = { first: '', second: '', pending: '', elsewhere: '' };

/** Issued certificates with a DNS name containing `cli-search`. */
const FILTER = JSON.stringify({
  And: [
    {
      Filter: {
        X509AttributeFilter: {
          SubjectAlternativeName: { DnsName: { Value: 'cli-search', ComparisonOperator: 'CONTAINS' } },
        },
      },
    },
    { Filter: { AcmCertificateMetadataFilter: { Status: 'ISSUED' } } },
  ],
});

interface SearchOutput {
  Results: Array<{
    CertificateArn: string;
    X509Attributes: { SubjectAlternativeNames: Array<{ DnsName?: string }>; NotAfter: string };
    CertificateMetadata: { AcmCertificateMetadata: { Status: string; Type: string } };
  }>;
  NextToken?: string;
}

async function request(DomainName: string, ValidationMethod: 'DNS' | 'EMAIL' = 'DNS'): Promise<string> {
  const { CertificateArn } = await local
    .client()
    .send(new RequestCertificateCommand({ DomainName, ValidationMethod }));
  if (!CertificateArn) throw new Error(`RequestCertificate for ${DomainName} returned no ARN`);
  return CertificateArn;
}

async function issued(arn: string): Promise<void> {
  await eventually(async () => {
    const { Certificate } = await local
      .client()
      .send(new DescribeCertificateCommand({ CertificateArn: arn }));
    return Certificate?.Status === 'ISSUED';
  }, `${arn} to be issued`);
}

function aws(args: string[]) {
  return runAwsCliWithModel(
    AWS_CLI,
    dataPath,
    ['acm', 'search-certificates', ...args],
    cliTarget(local.stack),
  );
}

async function search(args: string[]): Promise<{ output: SearchOutput; requests: number }> {
  const result = await aws([...args, '--debug']);
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  const requests = result.stderr.match(/Making request for OperationModel\(name=SearchCertificates\)/g);
  return { output: JSON.parse(result.stdout) as SearchOutput, requests: requests?.length ?? 0 };
}

const arnsOf = (output: SearchOutput) => output.Results.map((result) => result.CertificateArn);

beforeAll(async () => {
  dataPath = await mkdtemp(join(tmpdir(), 'certwright-cli-model-'));
  await writeAcmCliModel(dataPath, AWS_CLI, {
    operations: ['SearchCertificates'],
    paginators: {
      SearchCertificates: {
        input_token: 'NextToken',
        output_token: 'NextToken',
        limit_key: 'MaxResults',
        result_key: 'Results',
      },
    },
  });
  // Created in this order, so CREATED_AT sorts them so.
  arns.first = await request('one.cli-search.local.test');
  arns.second = await request('two.cli-search.local.test');
  arns.pending = await request('pending.cli-search.local.test', 'EMAIL');
  arns.elsewhere = await request('elsewhere.local.test');
  await Promise.all([arns.first, arns.second, arns.elsewhere].map(issued));
});
afterAll(async () => {
  await rm(dataPath, { recursive: true, force: true });
});

describe('aws acm search-certificates', () => {
  it('pages through every match with --page-size 1: one request per page, the results merged', async () => {
    const { output, requests } = await search([
      '--filter-statement',
      FILTER,
      '--sort-by',
      'CREATED_AT',
      '--sort-order',
      'ASCENDING',
      '--page-size',
      '1',
    ]);

    expect(arnsOf(output)).toEqual([arns.first, arns.second]);
    expect(output.NextToken).toBeUndefined();
    // Two pages of one; the second carries no NextToken, so the paginator stops there.
    expect(requests).toBe(2);
    expect(output.Results[0]).toMatchObject({
      X509Attributes: { SubjectAlternativeNames: [{ DnsName: 'one.cli-search.local.test' }] },
      CertificateMetadata: { AcmCertificateMetadata: { Status: 'ISSUED', Type: 'AMAZON_ISSUED' } },
    });
    // Timestamps come back as the CLI prints them: ISO-8601.
    expect(Date.parse(output.Results[0]?.X509Attributes.NotAfter ?? '')).toBeGreaterThan(Date.now());
  });

  it('--max-results 1 turns the CLI’s paging off: one page and the service’s NextToken, which --next-token follows', async () => {
    const sorted = ['--sort-by', 'CREATED_AT', '--sort-order', 'DESCENDING'];
    const first = await search(['--filter-statement', FILTER, ...sorted, '--max-results', '1']);
    expect(first.requests).toBe(1);
    expect(arnsOf(first.output)).toEqual([arns.second]);
    expect(first.output.NextToken).toEqual(expect.any(String));

    const next = await search([
      '--filter-statement',
      FILTER,
      ...sorted,
      '--max-results',
      '1',
      '--next-token',
      first.output.NextToken as string,
    ]);
    expect(arnsOf(next.output)).toEqual([arns.first]);
  });

  it('--max-items stops the paginator with a token of its own that --starting-token resumes from', async () => {
    const paged = ['--filter-statement', FILTER, '--sort-by', 'CREATED_AT', '--sort-order', 'ASCENDING'];
    const first = await search([...paged, '--page-size', '1', '--max-items', '1']);
    expect(arnsOf(first.output)).toEqual([arns.first]);
    expect(first.output.NextToken).toEqual(expect.any(String));

    const rest = await search([
      ...paged,
      '--page-size',
      '1',
      '--starting-token',
      first.output.NextToken as string,
    ]);
    expect(arnsOf(rest.output)).toEqual([arns.second]);
    expect(rest.output.NextToken).toBeUndefined();
  });

  it('takes Or and Not: a pending certificate has no X.509 attributes, so only its status finds it', async () => {
    const byName = {
      Filter: {
        X509AttributeFilter: {
          SubjectAlternativeName: { DnsName: { Value: 'cli-search', ComparisonOperator: 'CONTAINS' } },
        },
      },
    };
    const pending = { Filter: { AcmCertificateMetadataFilter: { Status: 'PENDING_VALIDATION' } } };
    const named = await search(['--filter-statement', JSON.stringify({ Or: [byName, pending] })]);
    expect(arnsOf(named.output).sort()).toEqual([arns.first, arns.second, arns.pending].sort());

    const others = await search(['--filter-statement', JSON.stringify({ Not: { Or: [byName, pending] } })]);
    expect(arnsOf(others.output)).toEqual([arns.elsewhere]);
  });

  it('reports the service’s ValidationException for a filter value ACM does not know (the added shapes carry no enums, so the CLI sends it)', async () => {
    const result = await aws([
      '--filter-statement',
      JSON.stringify({ Filter: { AcmCertificateMetadataFilter: { Status: 'SHINY' } } }),
    ]);
    expect(result.code).toBe(254);
    expect(result.stderr).toContain(
      "An error occurred (ValidationException) when calling the SearchCertificates operation: 1 validation error detected: Value 'SHINY' at 'filterStatement.filter.acmCertificateMetadataFilter.status' failed to satisfy constraint: Member must satisfy enum value set: [PENDING_VALIDATION, ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED, FAILED]",
    );
  });
});
