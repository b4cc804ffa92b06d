import {
  DescribeCertificateCommand,
  RequestCertificateCommand,
  UpdateCertificateOptionsCommand,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// UpdateCertificateOptions through the local stack with @aws-sdk/client-acm.

const local = useLocalStack();

describe('UpdateCertificateOptions', () => {
  it('changes the transparency logging preference DescribeCertificate reports; Export stays fixed', async () => {
    const { CertificateArn: arn } = await local
      .client()
      .send(new RequestCertificateCommand({ DomainName: 'options.local.test', ValidationMethod: 'DNS' }));
    if (!arn) throw new Error('RequestCertificate returned no ARN');
    await local.client().send(
      new UpdateCertificateOptionsCommand({
        CertificateArn: arn,
        Options: { CertificateTransparencyLoggingPreference: 'DISABLED' },
      }),
    );
    const described = await local.client().send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(described.Certificate?.Options).toEqual({
      CertificateTransparencyLoggingPreference: 'DISABLED',
      Export: 'DISABLED',
    });

    expect(
      await rejectionOf(
        local
          .client()
          .send(new UpdateCertificateOptionsCommand({ CertificateArn: arn, Options: { Export: 'ENABLED' } })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: `The Export option of certificate ${arn} is DISABLED and cannot be changed after the certificate is requested.`,
    });
  });

  it('answers ACM’s errors for a missing certificate, a missing Options and a bad enum value', async () => {
    const missing = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000';
    expect(
      await rejectionOf(
        local.client().send(
          new UpdateCertificateOptionsCommand({
            CertificateArn: missing,
            Options: { CertificateTransparencyLoggingPreference: 'ENABLED' },
          }),
        ),
      ),
    ).toEqual({ name: 'ResourceNotFoundException', message: `Could not find certificate ${missing}.` });
    const noOptions = { CertificateArn: missing } as unknown as { CertificateArn: string; Options: object };
    expect(
      (await rejectionOf(local.client().send(new UpdateCertificateOptionsCommand(noOptions)))).message,
    ).toBe(
      "1 validation error detected: Value null at 'options' failed to satisfy constraint: Member must not be null",
    );
    const badValue = {
      CertificateArn: missing,
      Options: { CertificateTransparencyLoggingPreference: 'MAYBE' },
    } as unknown as { CertificateArn: string; Options: object };
    expect((await rejectionOf(local.client().send(new UpdateCertificateOptionsCommand(badValue)))).name).toBe(
      'ValidationException',
    );
  });
});
