/**
 * RevokeCertificate racing AssociateCertificate on the real stores: a certificate is never left REVOKED and
 * in use, nor in use with its serial recorded for the CRL. The race is staged at each point in between, by
 * associating from inside the revocation's own calls to the stores and the event bus.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbRevocationStore } from '../../../functions/adapters/aws/dynamodb-revocation-store.ts';
import { associateCertificate } from '../../../functions/core/certificates/in-use.ts';
import { InvalidStateError, ResourceInUseError } from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore, RevocationEntry, RevocationStore } from '../../../functions/core/ports.ts';
import { revokeCertificate } from '../../../functions/core/revocation/revoke-certificate.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { RecordingEvents } from '../../support/recording-events.ts';
import { ACCOUNT, REGION, storedCertificate, useDynaliteStore } from '../core/core-fixtures.ts';
import { createIssuedCertificate } from './revocable-certificate.ts';

const LOAD_BALANCER = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/0123456789';

const dynamo = useDynaliteStore();
function issuedCertificate(overrides: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
  return createIssuedCertificate(dynamo.store, overrides);
}

/** The real revocation store, remembering what was recorded. */
function recordingRevocations(): RevocationStore & { recorded: RevocationEntry[] } {
  const store = new DynamoDbRevocationStore(dynamo.client, 'certwright-core-test');
  const recorded: RevocationEntry[] = [];
  return Object.assign(Object.create(store) as RevocationStore, {
    recorded,
    recordRevocation: (entry: RevocationEntry) => {
      recorded.push(entry);
      return store.recordRevocation(entry);
    },
  });
}

/** The real certificate store, running `during` once, right after the revocation's first read. */
function storeAssociatingAfterFirstRead(during: () => Promise<unknown>): CertificateStore {
  const store = dynamo.store;
  let reads = 0;
  return Object.assign(Object.create(store) as CertificateStore, {
    get: async (accountId: string, certificateId: string) => {
      const found = await store.get(accountId, certificateId);
      reads += 1;
      if (reads === 1) await during();
      return found;
    },
  });
}

function revokeDeps(store: CertificateStore, events = new RecordingEvents()) {
  return {
    store,
    region: REGION,
    revocations: recordingRevocations(),
    events,
    crlRefresh: { request: async () => {} },
    clock: new FakeClock(new Date('2026-05-01T12:00:00.000Z')),
  };
}

const associate = (certificate: CertificateRecord) =>
  associateCertificate({ store: dynamo.store, region: REGION }, ACCOUNT, certificate.arn, LOAD_BALANCER);

describe('RevokeCertificate racing AssociateCertificate', () => {
  it('refuses the revocation, recording nothing, when the association lands after its first check', async () => {
    const certificate = await issuedCertificate();
    const deps = revokeDeps(storeAssociatingAfterFirstRead(() => associate(certificate)));

    await expect(revokeCertificate(deps, ACCOUNT, certificate.arn, 'KEY_COMPROMISE')).rejects.toThrow(
      new ResourceInUseError(`Certificate ${certificate.arn} is in use by ${LOAD_BALANCER}.`),
    );
    const after = await storedCertificate(dynamo.store, certificate.arn);
    expect(after).toMatchObject({ status: 'ISSUED', inUseBy: [LOAD_BALANCER] });
    expect(after.revoking).toBeUndefined();
    expect(deps.revocations.recorded).toEqual([]);
    expect(deps.events.published).toEqual([]);
  });

  it('refuses the association once the revocation is claimed, and revokes', async () => {
    const certificate = await issuedCertificate();
    const associations: unknown[] = [];
    const events = new RecordingEvents();
    const publish = events.publish.bind(events);
    // Between the claim and REVOKED: the revocation is recorded, its event about to go out.
    events.publish = async (published) => {
      associations.push(await associate(certificate).catch((error: unknown) => error));
      return publish(published);
    };

    await revokeCertificate(revokeDeps(dynamo.store, events), ACCOUNT, certificate.arn, 'KEY_COMPROMISE');

    expect(associations).toEqual([
      new InvalidStateError(
        `Certificate ${certificate.arn} is being revoked: only an ISSUED certificate can be associated with a resource. If RevokeCertificate failed, call it again to finish the revocation.`,
      ),
    ]);
    const after = await storedCertificate(dynamo.store, certificate.arn);
    expect(after).toMatchObject({ status: 'REVOKED', inUseBy: [] });
    expect(after.revoking).toBeUndefined();
  });

  it('lets a revocation stopped after its claim be finished by the retry, with the first date and reason', async () => {
    const certificate = await issuedCertificate();
    const first = revokeDeps(dynamo.store, new RecordingEvents().failNext());
    await expect(revokeCertificate(first, ACCOUNT, certificate.arn, 'KEY_COMPROMISE')).rejects.toThrow(
      'the event bus is unavailable',
    );
    expect((await storedCertificate(dynamo.store, certificate.arn)).revoking).toMatchObject({
      reason: 'KEY_COMPROMISE',
    });
    await expect(associate(certificate)).rejects.toBeInstanceOf(InvalidStateError);

    const retry = revokeDeps(dynamo.store);
    retry.clock.advance(60_000);
    await revokeCertificate(retry, ACCOUNT, certificate.arn, 'SUPERSEDED');
    const after = await storedCertificate(dynamo.store, certificate.arn);
    expect(after).toMatchObject({
      status: 'REVOKED',
      inUseBy: [],
      revocation: { revokedAt: '2026-05-01T12:00:00.000Z', reason: 'KEY_COMPROMISE' },
    });
    expect(after.revoking).toBeUndefined();
  });
});
