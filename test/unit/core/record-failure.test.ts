import { describe, expect, it } from 'vitest';
import { recordFailure } from '../../../functions/core/certificates/record-failure.ts';
import { InvalidArnError } from '../../../functions/core/errors.ts';
import type { CertificateRecord, CertificateStatus } from '../../../functions/core/model.ts';
import { pendingCertificate, useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();

async function created(overrides: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
  const certificate = pendingCertificate(overrides);
  await dynamo.store.create(certificate);
  return certificate;
}

function reread(certificate: CertificateRecord) {
  return dynamo.store.get(certificate.accountId, certificate.id);
}

describe('recordFailure', () => {
  it('turns a pending certificate into FAILED with FailureReason OTHER', async () => {
    const certificate = await created();
    await recordFailure({ store: dynamo.store }, certificate.arn);
    expect(await reread(certificate)).toEqual({
      ...certificate,
      status: 'FAILED',
      failureReason: 'OTHER',
      version: certificate.version + 1,
    });
  });

  it('records the reason it is given', async () => {
    const certificate = await created();
    await recordFailure({ store: dynamo.store }, certificate.arn, 'CAA_ERROR');
    expect(await reread(certificate)).toMatchObject({ status: 'FAILED', failureReason: 'CAA_ERROR' });
  });

  it.each(['ISSUED', 'VALIDATION_TIMED_OUT', 'FAILED', 'REVOKED'] as CertificateStatus[])(
    'leaves a %s certificate exactly as it is',
    async (status) => {
      const certificate = await created({
        status,
        ...(status === 'FAILED' ? { failureReason: 'CAA_ERROR' } : {}),
      });
      await recordFailure({ store: dynamo.store }, certificate.arn);
      expect(await reread(certificate)).toEqual(certificate);
    },
  );

  it('does nothing (and does not recreate anything) for a deleted certificate', async () => {
    const certificate = await created();
    await dynamo.store.delete(certificate.accountId, certificate.id);
    // Nothing was recorded: there is no certificate to record it on.
    await expect(recordFailure({ store: dynamo.store }, certificate.arn)).resolves.toBe(false);
    expect(await reread(certificate)).toBeUndefined();
  });

  it('is idempotent: a second call changes nothing', async () => {
    const certificate = await created();
    await recordFailure({ store: dynamo.store }, certificate.arn);
    const once = await reread(certificate);
    await recordFailure({ store: dynamo.store }, certificate.arn, 'CAA_ERROR');
    expect(await reread(certificate)).toEqual(once);
  });

  it('refuses an ARN that is not a certificate ARN', async () => {
    await expect(
      recordFailure({ store: dynamo.store }, 'arn:aws:acm:us-east-1:111122223333:account/whatever-it-is'),
    ).rejects.toBeInstanceOf(InvalidArnError);
  });
});
