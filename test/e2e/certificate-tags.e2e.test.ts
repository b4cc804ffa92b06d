import {
  AddTagsToCertificateCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { awsCliJson, runAwsCli } from '../support/aws-cli.ts';
import { ACCOUNT_B, cliTarget, REGION, useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// The tag operations through the local stack, as @aws-sdk/client-acm and the AWS CLI call them.

const local = useLocalStack();

async function requestArn(domainName: string): Promise<string> {
  const { CertificateArn } = await local.client().send(
    new RequestCertificateCommand({
      DomainName: domainName,
      ValidationMethod: 'DNS',
      Tags: [{ Key: 'Env', Value: 'dev' }],
    }),
  );
  if (!CertificateArn) throw new Error('RequestCertificate returned no ARN');
  return CertificateArn;
}

describe('tag operations through the SDK', () => {
  it('adds, replaces, lists and removes tags', async () => {
    const arn = await requestArn('tags.local.test');
    await local.client().send(
      new AddTagsToCertificateCommand({
        CertificateArn: arn,
        Tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'Team', Value: 'web' }, { Key: 'Flag' }],
      }),
    );
    expect(
      (await local.client().send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags,
    ).toEqual([{ Key: 'Env', Value: 'prod' }, { Key: 'Team', Value: 'web' }, { Key: 'Flag' }]);

    await local.client().send(
      new RemoveTagsFromCertificateCommand({
        CertificateArn: arn,
        Tags: [{ Key: 'Env', Value: 'dev' }, { Key: 'Team' }],
      }),
    );
    expect(
      (await local.client().send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags,
    ).toEqual([{ Key: 'Env', Value: 'prod' }, { Key: 'Flag' }]);
  });

  it('answers ACM’s errors', async () => {
    const arn = await requestArn('tag-errors.local.test');
    expect(
      await rejectionOf(
        local
          .client()
          .send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'aws:x' }] })),
      ),
    ).toEqual({
      name: 'InvalidTagException',
      message:
        "Invalid Tag Key: 'aws:x'. Tag keys starting with 'aws:' are reserved for AWS use and cannot be set.",
    });
    const fifty = Array.from({ length: 50 }, (_, index) => ({ Key: `k${index}` }));
    expect(
      (
        await rejectionOf(
          local.client().send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: fifty })),
        )
      ).name,
    ).toBe('TooManyTagsException');
    expect(
      (
        await rejectionOf(
          local.client().send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [] })),
        )
      ).message,
    ).toBe(
      "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(
      await rejectionOf(
        local.client(ACCOUNT_B).send(new ListTagsForCertificateCommand({ CertificateArn: arn })),
      ),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${arn}.`,
    });
    expect(
      (
        await rejectionOf(
          local.client().send(
            new ListTagsForCertificateCommand({
              CertificateArn: `arn:aws:acm:${REGION}:111111111111:private-ca/abc`,
            }),
          ),
        )
      ).name,
    ).toBe('InvalidArnException');
  });
});

describe('tag operations through the AWS CLI', () => {
  it('add-tags-to-certificate and list-tags-for-certificate', async () => {
    const arn = await requestArn('cli-tags.local.test');
    const cli = cliTarget(local.stack);
    const added = await runAwsCli(
      [
        'acm',
        'add-tags-to-certificate',
        '--certificate-arn',
        arn,
        '--tags',
        'Key=Owner,Value=ops',
        'Key=Flag',
      ],
      cli,
    );
    expect(added).toMatchObject({ code: 0, stdout: '' });
    const listed = await awsCliJson<{ Tags: Array<{ Key: string; Value?: string }> }>(
      ['acm', 'list-tags-for-certificate', '--certificate-arn', arn],
      cli,
    );
    expect(listed.Tags).toEqual([
      { Key: 'Env', Value: 'dev' },
      { Key: 'Owner', Value: 'ops' },
      { Key: 'Flag' },
    ]);
  });
});
