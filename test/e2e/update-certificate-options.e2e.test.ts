import {
  type ACMClient,
  DescribeCertificateCommand,
  RequestCertificateCommand,
  UpdateCertificateOptionsCommand,
} from '@aws-sdk/client-acm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../support/local-stack-harness.ts';

// UpdateCertificateOptions through the local stack with @aws-sdk/client-acm.

let stack: LocalStack;
let cleanupDataDir: () => Promise<void>;
let acm: ACMClient;

beforeAll(async () => {
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  stack = await startTestStack(testSettings(data.dataDir));
  acm = acmClient(stack);
});

afterAll(async () => {
  acm?.destroy();
  await stack?.stop();
  await cleanupDataDir?.();
});

async function failure(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: Error) => caught,
  );
  return { name: error.name, message: error.message };
}

describe('UpdateCertificateOptions', () => {
  it('changes the transparency logging preference DescribeCertificate reports; Export stays fixed', async () => {
    const { CertificateArn: arn } = await acm.send(
      new RequestCertificateCommand({ DomainName: 'options.local.test', ValidationMethod: 'DNS' }),
    );
    if (!arn) throw new Error('RequestCertificate returned no ARN');
    await acm.send(
      new UpdateCertificateOptionsCommand({
        CertificateArn: arn,
        Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
      }),
    );
    const described = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(described.Certificate?.Options).toEqual({
      CertificateTransparencyLoggingPreference: 'DISABLED',
      Export: 'DISABLED',
    });

    expect(
      await failure(
        acm.send(
          new UpdateCertificateOptionsCommand({ CertificateArn: arn, Options: { Export: 'ENABLED' } }),
        ),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: `The Export option of certificate ${arn} is DISABLED and cannot be changed after the certificate is requested.`,
    });
  });

  it('answers ACM’s errors for a missing certificate, a missing Options and a bad enum value', async () => {
    const missing = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000';
    expect(
      await failure(
        acm.send(
          new UpdateCertificateOptionsCommand({
            CertificateArn: missing,
            Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
          }),
        ),
      ),
    ).toEqual({ name: 'ResourceNotFoundException', message: `Could not find certificate ${missing}.` });
    const noOptions = { CertificateArn: missing } as unknown as { CertificateArn: string; Options: object };
    expect((await failure(acm.send(new UpdateCertificateOptionsCommand(noOptions)))).message).toBe(
      "1 validation error detected: Value null at 'options' failed to satisfy constraint: Member must not be null",
    );
    const badValue = {
      CertificateArn: missing,
      Options: { CertificateTransparencyLoggingPreference: 'MAYBE' },
    } as unknown as { CertificateArn: string; Options: object };
    expect((await failure(acm.send(new UpdateCertificateOptionsCommand(badValue)))).name).toBe(
      'ValidationException',
    );
  });
});
