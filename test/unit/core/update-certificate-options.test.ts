import { describe, expect, it } from 'vitest';
import { updateCertificateOptions } from '../../../functions/core/certificates/update-certificate-options.ts';
import { InvalidArnError, ResourceNotFoundError, ValidationError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { ACCOUNT, OTHER_ACCOUNT, pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();
const deps = () => ({ store: dynamo.store, region: REGION });

async function stored(overrides: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
  const certificate = pendingCertificate({
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
    ...overrides,
  });
  await dynamo.store.create(certificate);
  return certificate;
}

describe('updateCertificateOptions', () => {
  it('stores a new transparency logging preference, in any status', async () => {
    for (const status of ['PENDING_VALIDATION', 'ISSUED', 'FAILED'] as const) {
      const certificate = await stored({ status });
      await updateCertificateOptions(deps(), ACCOUNT, certificate.arn, {
        certificateTransparencyLoggingPreference: 'DISABLED',
      });
      const after = await dynamo.store.get(ACCOUNT, certificate.id);
      expect(after?.options).toEqual({
        certificateTransparencyLoggingPreference: 'DISABLED',
        export: 'DISABLED',
      });
      expect(after?.version).toBe(certificate.version + 1);
    }
  });

  it('accepts Export with the value it has, and writes nothing when nothing changes', async () => {
    const certificate = await stored();
    await updateCertificateOptions(deps(), ACCOUNT, certificate.arn, {
      certificateTransparencyLoggingPreference: 'ENABLED',
      export: 'DISABLED',
    });
    expect((await dynamo.store.get(ACCOUNT, certificate.id))?.version).toBe(certificate.version);
  });

  it('refuses to change Export with ValidationException and changes nothing else either', async () => {
    const certificate = await stored();
    await expect(
      updateCertificateOptions(deps(), ACCOUNT, certificate.arn, {
        certificateTransparencyLoggingPreference: 'DISABLED',
        export: 'ENABLED',
      }),
    ).rejects.toThrow(
      new ValidationError(
        `The Export option of certificate ${certificate.arn} is DISABLED and cannot be changed after the certificate is requested.`,
      ),
    );
    expect(
      (await dynamo.store.get(ACCOUNT, certificate.id))?.options.certificateTransparencyLoggingPreference,
    ).toBe('ENABLED');
  });

  it('answers ResourceNotFoundException for a missing or another account’s certificate, InvalidArn for a non-certificate ARN', async () => {
    const mine = await stored();
    const missing = pendingCertificate();
    const change = { certificateTransparencyLoggingPreference: 'DISABLED' } as const;
    await expect(updateCertificateOptions(deps(), ACCOUNT, missing.arn, change)).rejects.toThrow(
      new ResourceNotFoundError(`Could not find certificate ${missing.arn}.`),
    );
    await expect(updateCertificateOptions(deps(), OTHER_ACCOUNT, mine.arn, change)).rejects.toThrow(
      ResourceNotFoundError,
    );
    await expect(
      updateCertificateOptions(deps(), ACCOUNT, `arn:aws:acm:${REGION}:${ACCOUNT}:private-ca/x`, change),
    ).rejects.toThrow(InvalidArnError);
  });
});
