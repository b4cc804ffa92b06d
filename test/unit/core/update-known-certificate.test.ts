import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { updateKnownCertificate } from '../../../functions/core/certificates/update-certificate.ts';
import { ConcurrentModificationError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import { countingReads } from '../../support/counting-store.ts';
import { pendingCertificate, useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();
let store: DynamoDbCertificateStore;
beforeAll(() => {
  store = dynamo.store;
});

async function created(): Promise<CertificateRecord> {
  const certificate = pendingCertificate();
  await store.create(certificate);
  return certificate;
}

describe('updateKnownCertificate', () => {
  it('saves the change to the known certificate without reading it again', async () => {
    const certificate = await created();
    const counting = countingReads(store);
    const saved = await updateKnownCertificate(counting.store, certificate, (current) => ({
      ...current,
      tags: [{ Key: 'k', Value: 'v' }],
    }));
    expect(saved).toEqual({
      ...certificate,
      tags: [{ Key: 'k', Value: 'v' }],
      version: certificate.version + 1,
    });
    expect(await store.get(certificate.accountId, certificate.id)).toEqual(saved);
    expect(counting.items()).toBe(0);
  });

  it('re-reads and re-applies the change when the known certificate is no longer the stored one', async () => {
    const known = await created();
    const newer = await store.save({ ...known, tags: [{ Key: 'written', Value: 'meanwhile' }] });
    const seen: number[] = [];
    const saved = await updateKnownCertificate(store, known, (current) => {
      seen.push(current.version);
      return { ...current, status: 'FAILED', failureReason: 'OTHER' };
    });
    expect(seen).toEqual([known.version, newer.version]);
    expect(saved).toMatchObject({
      status: 'FAILED',
      tags: [{ Key: 'written', Value: 'meanwhile' }],
      version: newer.version + 1,
    });
    expect(await store.get(known.accountId, known.id)).toEqual(saved);
  });

  it('answers the stored certificate, not the known one, when the change declines', async () => {
    const known = await created();
    const newer = await store.save({ ...known, status: 'ISSUED' });
    const result = await updateKnownCertificate(store, known, (current) =>
      current.status === 'ISSUED' ? { ...current, status: 'FAILED' } : undefined,
    );
    // Declined on the known (stale) copy, applied to the stored one.
    expect(result).toMatchObject({ status: 'FAILED', version: newer.version + 1 });
  });

  it('answers undefined when the certificate is gone', async () => {
    const known = await created();
    await store.delete(known.accountId, known.id);
    const result = await updateKnownCertificate(store, known, (current) => ({
      ...current,
      status: 'FAILED',
    }));
    expect(result).toBeUndefined();
    expect(await store.get(known.accountId, known.id)).toBeUndefined();
  });

  it('gives up with ConcurrentModification when every attempt loses the race, the first save counting', async () => {
    const known = await created();
    let calls = 0;
    // Every save loses to a write that lands just before it.
    const racing = Object.create(store) as CertificateStore;
    racing.save = async (certificate) => {
      const stored = await store.get(certificate.accountId, certificate.id);
      if (stored) await store.save({ ...stored, tags: [{ Key: 'round', Value: String(calls) }] });
      return store.save(certificate);
    };
    const attempt = updateKnownCertificate(racing, known, (current) => {
      calls += 1;
      return { ...current, status: 'FAILED' };
    });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(calls).toBe(8);
    expect((await store.get(known.accountId, known.id))?.status).toBe('PENDING_VALIDATION');
  });
});
