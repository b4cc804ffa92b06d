import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import { updateCertificate } from '../../../functions/core/certificates/update-certificate.ts';
import { ConcurrentModificationError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import { type DynaliteStore, pendingCertificate, startDynaliteStore } from './core-fixtures.ts';

let dynamo: DynaliteStore;
let store: DynamoDbCertificateStore;
beforeAll(async () => {
  dynamo = await startDynaliteStore();
  store = dynamo.store;
});
afterAll(async () => {
  await dynamo?.stop();
});

async function created(): Promise<CertificateRecord> {
  const certificate = pendingCertificate();
  await store.create(certificate);
  return certificate;
}

/**
 * The real store, except that a write sent by updateCertificate waits until every write the test fired
 * "in between" (from inside the change callback, which is synchronous) has landed. That makes the race
 * deterministic: the interfering write always wins.
 */
function withInterference(): { store: CertificateStore; interfere(write: Promise<unknown>): void } {
  const pending: Array<Promise<unknown>> = [];
  return {
    store: {
      get: (accountId, certificateId) => store.get(accountId, certificateId),
      save: async (certificate) => {
        await Promise.all(pending.splice(0));
        return store.save(certificate);
      },
      create: () => Promise.reject(new Error('not used')),
      delete: () => Promise.reject(new Error('not used')),
      list: () => Promise.reject(new Error('not used')),
      claimIdempotencyToken: () => Promise.reject(new Error('not used')),
      confirmIdempotencyClaim: () => Promise.reject(new Error('not used')),
      reserveSerial: () => Promise.reject(new Error('not used')),
      listPendingValidation: () => Promise.reject(new Error('not used')),
      listIssuedDueBy: () => Promise.reject(new Error('not used')),
      saveApproval: () => Promise.reject(new Error('not used')),
      findApproval: () => Promise.reject(new Error('not used')),
      reserveQuota: () => Promise.reject(new Error('not used')),
      releaseQuota: () => Promise.reject(new Error('not used')),
      releaseHeldCertificate: () => Promise.reject(new Error('not used')),
      quotaUsage: () => Promise.reject(new Error('not used')),
      peekQuotaUsage: () => Promise.reject(new Error('not used')),
      getAccountConfiguration: () => Promise.reject(new Error('not used')),
      putAccountConfiguration: () => Promise.reject(new Error('not used')),
    },
    interfere: (write) => {
      pending.push(write);
    },
  };
}

describe('updateCertificate', () => {
  it('applies the change and bumps the version', async () => {
    const certificate = await created();
    const saved = await updateCertificate(store, certificate.accountId, certificate.id, (current) => ({
      ...current,
      tags: [{ Key: 'k', Value: 'v' }],
    }));
    expect(saved).toEqual({
      ...certificate,
      tags: [{ Key: 'k', Value: 'v' }],
      version: certificate.version + 1,
    });
    expect(await store.get(certificate.accountId, certificate.id)).toEqual(saved);
  });

  it('writes nothing and returns the stored certificate when the change declines', async () => {
    const certificate = await created();
    const result = await updateCertificate(store, certificate.accountId, certificate.id, () => undefined);
    expect(result).toEqual(certificate);
    expect((await store.get(certificate.accountId, certificate.id))?.version).toBe(certificate.version);
  });

  it('returns undefined for a missing certificate without calling the change', async () => {
    let calls = 0;
    const result = await updateCertificate(
      store,
      '111122223333',
      'ffffffff-0000-4000-8000-00000000dead',
      (c) => {
        calls += 1;
        return c;
      },
    );
    expect(result).toBeUndefined();
    expect(calls).toBe(0);
  });

  it('saves with the version it read, even if the change returns another one', async () => {
    const certificate = await created();
    const saved = await updateCertificate(store, certificate.accountId, certificate.id, (current) => ({
      ...current,
      version: 999,
      subject: 'CN=changed',
    }));
    expect(saved?.version).toBe(certificate.version + 1);
    expect((await store.get(certificate.accountId, certificate.id))?.subject).toBe('CN=changed');
  });

  it('re-reads and re-applies the change when another write lands in between, losing neither', async () => {
    const certificate = await created();
    const racing = withInterference();
    const seen: number[] = [];
    const saved = await updateCertificate(racing.store, certificate.accountId, certificate.id, (current) => {
      seen.push(current.version);
      if (seen.length === 1) {
        racing.interfere(store.save({ ...current, tags: [{ Key: 'written', Value: 'concurrently' }] }));
      }
      return { ...current, status: 'FAILED', failureReason: 'OTHER' };
    });

    expect(seen).toEqual([certificate.version, certificate.version + 1]);
    expect(saved).toMatchObject({
      status: 'FAILED',
      failureReason: 'OTHER',
      tags: [{ Key: 'written', Value: 'concurrently' }],
      version: certificate.version + 2,
    });
    expect(await store.get(certificate.accountId, certificate.id)).toEqual(saved);
  });

  it('lets the change see the concurrent write and decline after it', async () => {
    const certificate = await created();
    const racing = withInterference();
    let calls = 0;
    const result = await updateCertificate(racing.store, certificate.accountId, certificate.id, (current) => {
      calls += 1;
      if (current.status !== 'PENDING_VALIDATION') return undefined;
      racing.interfere(store.save({ ...current, status: 'ISSUED' }));
      return { ...current, status: 'FAILED' };
    });
    expect(calls).toBe(2);
    expect(result?.status).toBe('ISSUED');
    expect((await store.get(certificate.accountId, certificate.id))?.status).toBe('ISSUED');
  });

  it('returns undefined when the certificate is deleted in between', async () => {
    const certificate = await created();
    const racing = withInterference();
    let calls = 0;
    const result = await updateCertificate(racing.store, certificate.accountId, certificate.id, (current) => {
      calls += 1;
      racing.interfere(store.delete(current.accountId, current.id));
      return { ...current, status: 'FAILED' };
    });
    expect(result).toBeUndefined();
    expect(calls).toBe(1);
    expect(await store.get(certificate.accountId, certificate.id)).toBeUndefined();
  });

  it('gives up with ConcurrentModification when every attempt loses the race', async () => {
    const certificate = await created();
    const racing = withInterference();
    let calls = 0;
    const attempt = updateCertificate(racing.store, certificate.accountId, certificate.id, (current) => {
      calls += 1;
      racing.interfere(store.save({ ...current, tags: [{ Key: 'round', Value: String(calls) }] }));
      return { ...current, status: 'FAILED' };
    });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentModificationError);
    // A bounded number of tries (8 today), each one re-reading the latest version.
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(10);
    const final = await store.get(certificate.accountId, certificate.id);
    expect(final).toMatchObject({
      status: 'PENDING_VALIDATION',
      tags: [{ Key: 'round', Value: String(calls) }],
      version: certificate.version + calls,
    });
  });

  it('does not retry errors other than ConcurrentModification', async () => {
    const certificate = await created();
    let calls = 0;
    const failing: CertificateStore = {
      ...withInterference().store,
      save: () => Promise.reject(new Error('table is gone')),
    };
    await expect(
      updateCertificate(failing, certificate.accountId, certificate.id, (current) => {
        calls += 1;
        return current;
      }),
    ).rejects.toThrow('table is gone');
    expect(calls).toBe(1);
  });
});
