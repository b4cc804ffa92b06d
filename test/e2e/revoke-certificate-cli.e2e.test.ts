import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAwsCliModel } from '../../local/aws-cli-model.ts';
import { awsCliJson } from '../support/aws-cli.ts';
import { eventually } from '../support/eventually.ts';
import { ACCOUNT_A, cliTarget, useLocalStack } from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';

// `aws acm revoke-certificate` against the local stack. AWS CLIs older than the 2025-06 ACM model have no
// revoke-certificate command: then the test gives the installed CLI its own ACM model plus the operation
// (through AWS_DATA_PATH), which changes nothing else the CLI does.

const AWS_CLI = process.env.CERTWRIGHT_AWS_CLI ?? '/usr/bin/aws';
const local = useLocalStack();
let dataPath: string;

beforeAll(async () => {
  dataPath = await mkdtemp(join(tmpdir(), 'certwright-cli-model-'));
  const { written } = await writeAwsCliModel(dataPath, AWS_CLI);
  const model = JSON.parse(await readFile(written, 'utf8')) as {
    metadata: { signingName?: string };
    operations: Record<string, unknown>;
    shapes: Record<string, unknown>;
  };
  // The local stack accepts acm signatures; keep the CLI's own signing name.
  delete model.metadata.signingName;
  model.operations.RevokeCertificate ??= {
    name: 'RevokeCertificate',
    http: { method: 'POST', requestUri: '/' },
    input: { shape: 'RevokeCertificateRequest' },
    output: { shape: 'RevokeCertificateResponse' },
  };
  model.shapes.RevokeCertificateRequest ??= {
    type: 'structure',
    required: ['CertificateArn', 'RevocationReason'],
    members: { CertificateArn: { shape: 'Arn' }, RevocationReason: { shape: 'RevocationReason' } },
  };
  model.shapes.RevokeCertificateResponse ??= {
    type: 'structure',
    members: { CertificateArn: { shape: 'Arn' } },
  };
  await writeFile(written, JSON.stringify(model));
});
afterAll(async () => {
  await rm(dataPath, { recursive: true, force: true });
});

function aws(args: string[]) {
  return runCommand(
    AWS_CLI,
    [...args, '--endpoint-url', local.stack.url, '--region', 'us-east-1', '--output', 'json'],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
        AWS_DATA_PATH: dataPath,
        AWS_CONFIG_FILE: '/nonexistent/certwright-aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/certwright-aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
    },
  );
}

describe('aws acm revoke-certificate', () => {
  it('revokes an issued certificate and reports ACM’s errors', async () => {
    const target = cliTarget(local.stack);
    const { CertificateArn: arn } = await awsCliJson<{ CertificateArn: string }>(
      ['acm', 'request-certificate', '--domain-name', 'cli-revoke.local.test', '--validation-method', 'DNS'],
      target,
    );
    // Polled through the SDK: each CLI run costs a second of start-up.
    await eventually(async () => {
      const { Certificate } = await local
        .client()
        .send(new DescribeCertificateCommand({ CertificateArn: arn }));
      return Certificate?.Status === 'ISSUED';
    }, 'the certificate to be issued');

    const revoked = await aws([
      'acm',
      'revoke-certificate',
      '--certificate-arn',
      arn,
      '--revocation-reason',
      'KEY_COMPROMISE',
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ CertificateArn: arn });

    const { Certificate } = await awsCliJson<{
      Certificate: { Status: string; RevocationReason: string; RevokedAt: string };
    }>(['acm', 'describe-certificate', '--certificate-arn', arn], target);
    expect(Certificate).toMatchObject({ Status: 'REVOKED', RevocationReason: 'KEY_COMPROMISE' });
    // The CLI prints timestamps as ISO-8601.
    expect(Math.abs(Date.parse(Certificate.RevokedAt) - Date.now())).toBeLessThan(60_000);

    const again = await aws([
      'acm',
      'revoke-certificate',
      '--certificate-arn',
      arn,
      '--revocation-reason',
      'KEY_COMPROMISE',
    ]);
    expect(again.code).toBe(254);
    expect(again.stderr).toContain(
      `An error occurred (ConflictException) when calling the RevokeCertificate operation: Certificate ${arn} has already been revoked.`,
    );
  });
});
