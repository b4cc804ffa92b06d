import { describe, expect, it } from 'vitest';
import { deleteCertificate } from '../../../functions/core/certificates/delete-certificate.ts';
import { ResourceInUseError } from '../../../functions/core/errors.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import { pendingCertificate, REGION, useDynaliteStore } from './core-fixtures.ts';

const dynamo = useDynaliteStore();

/** The real store, with a resource associated with the certificate just before the delete reaches it. */
function associatingBeforeDelete(resource: string): CertificateStore {
  const store = dynamo.store;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'delete') return Reflect.get(target, property, receiver);
      return async (accountId: string, certificateId: string, expectedVersion?: number) => {
        const current = await store.get(accountId, certificateId);
        if (current && current.inUseBy.length === 0) await store.save({ ...current, inUseBy: [resource] });
        return store.delete(accountId, certificateId, expectedVersion);
      };
    },
  });
}

describe('deleteCertificate', () => {
  it('deletes an unused certificate', async () => {
    const certificate = pendingCertificate({ status: 'ISSUED' });
    await dynamo.store.create(certificate);

    await deleteCertificate({ store: dynamo.store, region: REGION }, certificate.accountId, certificate.arn);

    expect(await dynamo.store.get(certificate.accountId, certificate.id)).toBeUndefined();
  });

  it('refuses, and keeps the certificate, when a resource is associated between its check and the delete', async () => {
    const certificate = pendingCertificate({ status: 'ISSUED' });
    await dynamo.store.create(certificate);
    const store = associatingBeforeDelete(
      'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/x',
    );

    await expect(
      deleteCertificate({ store, region: REGION }, certificate.accountId, certificate.arn),
    ).rejects.toBeInstanceOf(ResourceInUseError);

    expect((await dynamo.store.get(certificate.accountId, certificate.id))?.inUseBy).toEqual([
      'arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/x',
    ]);
  });
});
