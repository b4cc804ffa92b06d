import {
  type ACMClient,
  AddTagsToCertificateCommand,
  ListTagsForCertificateCommand,
  RemoveTagsFromCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { awsCliJson, runAwsCli } from '../support/aws-cli.ts';
import {
  ACCOUNT_B,
  acmClient,
  cliTarget,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';

// The tag operations through the local stack, as @aws-sdk/client-acm and the AWS CLI call them.

let stack: LocalStack;
let cleanupDataDir: () => Promise<void>;
let acm: ACMClient;
let acmB: ACMClient;

beforeAll(async () => {
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  stack = await startTestStack(testSettings(data.dataDir));
  acm = acmClient(stack);
  acmB = acmClient(stack, ACCOUNT_B);
});

afterAll(async () => {
  acm?.destroy();
  acmB?.destroy();
  await stack?.stop();
  await cleanupDataDir?.();
});

async function requestArn(domainName: string): Promise<string> {
  const { CertificateArn } = await acm.send(
    new RequestCertificateCommand({
      DomainName: domainName,
      ValidationMethod: 'DNS',
      Tags: [{ Key: 'Env', Value: 'dev' }],
    }),
  );
  if (!CertificateArn) throw new Error('RequestCertificate returned no ARN');
  return CertificateArn;
}

async function failure(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: Error) => caught,
  );
  return { name: error.name, message: error.message };
}

describe('tag operations through the SDK', () => {
  it('adds, replaces, lists and removes tags', async () => {
    const arn = await requestArn('tags.local.test');
    await acm.send(
      new AddTagsToCertificateCommand({
        CertificateArn: arn,
        Tags: [{ Key: 'Env', Value: 'prod' }, { Key: 'Team', Value: 'web' }, { Key: 'Flag' }],
      }),
    );
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'Team', Value: 'web' },
      { Key: 'Flag' },
    ]);

    await acm.send(
      new RemoveTagsFromCertificateCommand({
        CertificateArn: arn,
        Tags: [{ Key: 'Env', Value: 'dev' }, { Key: 'Team' }],
      }),
    );
    expect((await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }))).Tags).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'Flag' },
    ]);
  });

  it('answers ACM’s errors', async () => {
    const arn = await requestArn('tag-errors.local.test');
    expect(
      await failure(
        acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [{ Key: 'aws:x' }] })),
      ),
    ).toEqual({
      name: 'InvalidTagException',
      message:
        "Invalid Tag Key: 'aws:x'. Tag keys starting with 'aws:' are reserved for AWS use and cannot be set.",
    });
    const fifty = Array.from({ length: 50 }, (_, index) => ({ Key: `k${index}` }));
    expect(
      (await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: fifty })))).name,
    ).toBe('TooManyTagsException');
    expect(
      (await failure(acm.send(new AddTagsToCertificateCommand({ CertificateArn: arn, Tags: [] })))).message,
    ).toBe(
      "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(await failure(acmB.send(new ListTagsForCertificateCommand({ CertificateArn: arn })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find certificate ${arn}.`,
    });
    expect(
      (
        await failure(
          acm.send(
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
    const cli = cliTarget(stack);
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
