/**
 * CertificateManager.RevokeCertificate on the ACM front end, with the real certificate and revocation stores
 * on dynalite: the answer, what is written (revocation entry, REVOKED record, event, CRL refresh), every
 * error with nothing written, and a call that stops part-way finished by the caller's retry.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRevocationStore } from '../../../functions/adapters/aws/dynamodb-revocation-store.ts';
import { createApiHandler } from '../../../functions/api/api-handler.ts';
import { acmProxyEvent } from '../../../functions/api/proxy-event.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore, CrlRefresh } from '../../../functions/core/ports.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { RecordingEvents } from '../../support/recording-events.ts';
import { testApiServices } from '../api/api-services-fixture.ts';
import {
  ACCOUNT,
  type DynaliteStore,
  pendingCertificate,
  startDynaliteStore,
  storedCertificate,
} from '../core/core-fixtures.ts';
import { createIssuedCertificate } from './revocable-certificate.ts';

const NOW = new Date('2026-05-01T12:00:00.000Z');

let dynamo: DynaliteStore;
let revocations: DynamoDbRevocationStore;
beforeAll(async () => {
  dynamo = await startDynaliteStore();
  revocations = new DynamoDbRevocationStore(dynamo.client, 'certwright-core-test');
});
afterAll(async () => {
  await dynamo?.stop();
});

class CountingRefresh implements CrlRefresh {
  requests = 0;
  failures = 0;
  async request(): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('the CRL function cannot be invoked');
    }
    this.requests += 1;
  }
}

/** The real store, one of whose next saves fails as a lost connection would. */
function storeFailingNextSave(
  store: CertificateStore,
): CertificateStore & { failNextSave(skip?: number): void } {
  let savesBeforeFailure: number | undefined;
  return Object.assign(Object.create(store) as CertificateStore, {
    /** The save after `skip` more successful ones fails. */
    failNextSave: (skip = 0) => {
      savesBeforeFailure = skip;
    },
    save: (certificate: CertificateRecord) => {
      if (savesBeforeFailure === 0) {
        savesBeforeFailure = undefined;
        return Promise.reject(new Error('connection reset'));
      }
      if (savesBeforeFailure !== undefined) savesBeforeFailure -= 1;
      return store.save(certificate);
    },
  });
}

function issuedCertificate(overrides: Partial<CertificateRecord> = {}): Promise<CertificateRecord> {
  return createIssuedCertificate(dynamo.store, overrides);
}

function setup(options: { beforePublish?: () => Promise<void> } = {}) {
  const events = new RecordingEvents();
  const publish = events.publish.bind(events);
  events.publish = async (published) => {
    await options.beforePublish?.();
    return publish(published);
  };
  const crlRefresh = new CountingRefresh();
  const clock = new FakeClock(NOW);
  const store = storeFailingNextSave(dynamo.store);
  const handler = createApiHandler(testApiServices(store, clock, { events, revocations, crlRefresh }));
  const call = async (body: unknown) => {
    const event = acmProxyEvent({
      headers: { 'X-Amz-Target': 'CertificateManager.RevokeCertificate' },
      body: JSON.stringify(body),
      requestId: 'request-1',
      accountId: ACCOUNT,
    });
    const response = await handler(event, { awsRequestId: 'request-1' } as Context);
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { call, events, crlRefresh, clock, store };
}

async function entryFor(certificate: CertificateRecord) {
  return (await revocations.listRevocations()).find(
    (entry) => entry.serialHex === certificate.issued?.serialHex,
  );
}

describe('RevokeCertificate', () => {
  it('records the revocation, moves the certificate to REVOKED, announces it and asks for a new CRL', async () => {
    const t = setup();
    const certificate = await issuedCertificate();
    expect(await t.call({ CertificateArn: certificate.arn, RevocationReason: 'KEY_COMPROMISE' })).toEqual({
      status: 200,
      body: { CertificateArn: certificate.arn },
    });
    const stored = await storedCertificate(dynamo.store, certificate.arn);
    expect(stored.status).toBe('REVOKED');
    expect(stored.revocation).toEqual({ revokedAt: NOW.toISOString(), reason: 'KEY_COMPROMISE' });
    expect(await entryFor(certificate)).toEqual({
      serialHex: certificate.issued?.serialHex,
      certificateArn: certificate.arn,
      revokedAt: NOW.toISOString(),
      reason: 'KEY_COMPROMISE',
      notAfter: certificate.issued?.notAfter,
    });
    expect(t.events.of(certificate.arn)).toEqual(['ACM Certificate Revoked']);
    expect(t.events.published[0]).toMatchObject({ time: '2026-05-01T12:00:00Z', accountId: ACCOUNT });
    expect(t.crlRefresh.requests).toBe(1);
  });

  it('fails a renewal still under way in the same write that revokes the certificate', async () => {
    const t = setup();
    const certificate = await issuedCertificate({
      renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: '2026-04-30T12:00:00.000Z', cycle: 1 },
    });
    expect((await t.call({ CertificateArn: certificate.arn, RevocationReason: 'SUPERSEDED' })).status).toBe(
      200,
    );
    const stored = await storedCertificate(dynamo.store, certificate.arn);
    expect(stored.status).toBe('REVOKED');
    expect(stored.renewal).toEqual({
      status: 'FAILED',
      statusReason: 'OTHER',
      updatedAt: NOW.toISOString(),
      cycle: 1,
    });
    // Two writes: the revocation's claim, then REVOKED with the renewal failed.
    expect(stored.version).toBe(certificate.version + 2);
  });

  it('refuses a second revocation of a revoked certificate with ConflictException', async () => {
    const t = setup();
    const certificate = await issuedCertificate();
    await t.call({ CertificateArn: certificate.arn, RevocationReason: 'SUPERSEDED' });
    expect(await t.call({ CertificateArn: certificate.arn, RevocationReason: 'KEY_COMPROMISE' })).toEqual({
      status: 400,
      body: {
        __type: 'ConflictException',
        message: `Certificate ${certificate.arn} has already been revoked.`,
      },
    });
    expect((await entryFor(certificate))?.reason).toBe('SUPERSEDED');
    expect(t.events.of(certificate.arn)).toEqual(['ACM Certificate Revoked']);
  });

  it('checks its members as the AWS framework does', async () => {
    const t = setup();
    const certificate = await issuedCertificate();
    expect(await t.call({ RevocationReason: 'KEY_COMPROMISE' })).toEqual({
      status: 400,
      body: {
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
      },
    });
    expect(await t.call({ CertificateArn: certificate.arn })).toEqual({
      status: 400,
      body: {
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'revocationReason' failed to satisfy constraint: Member must not be null",
      },
    });
    const bad = await t.call({ CertificateArn: certificate.arn, RevocationReason: 'LOST_KEY' });
    expect(bad.body).toEqual({
      __type: 'ValidationException',
      message: expect.stringMatching(
        /^1 validation error detected: Value 'LOST_KEY' at 'revocationReason' failed to satisfy constraint: Member must satisfy enum value set: \[UNSPECIFIED, KEY_COMPROMISE, .*A_A_COMPROMISE\]$/,
      ),
    });
    expect((await t.call({ CertificateArn: 42, RevocationReason: 'UNSPECIFIED' })).body.__type).toBe(
      'SerializationException',
    );
    expect(await entryFor(certificate)).toBeUndefined();
  });

  it.each(['CERTIFICATE_HOLD', 'REMOVE_FROM_CRL'])(
    'refuses %s: a revocation is permanent',
    async (reason) => {
      const t = setup();
      const certificate = await issuedCertificate();
      expect(await t.call({ CertificateArn: certificate.arn, RevocationReason: reason })).toEqual({
        status: 400,
        body: {
          __type: 'ValidationException',
          message: `Revocation reason ${reason} is not supported: revocation is permanent, so a certificate cannot be put on hold or removed from the CRL.`,
        },
      });
      expect((await storedCertificate(dynamo.store, certificate.arn)).status).toBe('ISSUED');
      expect(await entryFor(certificate)).toBeUndefined();
    },
  );

  it('answers InvalidArnException for a malformed ARN and ResourceNotFoundException for an unknown one', async () => {
    const t = setup();
    const malformed = 'arn:aws:acm:us-east-1:1:nothing';
    expect(await t.call({ CertificateArn: malformed, RevocationReason: 'UNSPECIFIED' })).toEqual({
      status: 400,
      body: { __type: 'InvalidArnException', message: `String '${malformed}' is not a valid ARN.` },
    });
    const unknown = pendingCertificate();
    expect(await t.call({ CertificateArn: unknown.arn, RevocationReason: 'UNSPECIFIED' })).toEqual({
      status: 400,
      body: { __type: 'ResourceNotFoundException', message: `Could not find certificate ${unknown.arn}.` },
    });
    const otherAccount = await issuedCertificate({ accountId: '444455556666' });
    expect(
      (await t.call({ CertificateArn: otherAccount.arn, RevocationReason: 'UNSPECIFIED' })).body.__type,
    ).toBe('ResourceNotFoundException');
    expect(t.crlRefresh.requests).toBe(0);
  });

  it('revokes only ISSUED certificates this CA issued, never one in use', async () => {
    const t = setup();
    const imported = await issuedCertificate({ type: 'IMPORTED' });
    const pending = pendingCertificate();
    await dynamo.store.create(pending);
    const expired = await issuedCertificate({ status: 'EXPIRED' });
    const inUse = await issuedCertificate({
      inUseBy: ['arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1'],
    });
    const answers = await Promise.all(
      [imported, pending, expired, inUse].map((certificate) =>
        t.call({ CertificateArn: certificate.arn, RevocationReason: 'KEY_COMPROMISE' }),
      ),
    );
    expect(answers.map((answer) => answer.body)).toEqual([
      {
        __type: 'ValidationException',
        message: `Certificate ${imported.arn} is IMPORTED: only a certificate this CA issued can be revoked.`,
      },
      {
        __type: 'ValidationException',
        message: `Certificate ${pending.arn} is PENDING_VALIDATION: only an ISSUED certificate can be revoked.`,
      },
      {
        __type: 'ValidationException',
        message: `Certificate ${expired.arn} is EXPIRED: only an ISSUED certificate can be revoked.`,
      },
      {
        __type: 'ResourceInUseException',
        message: `Certificate ${inUse.arn} is in use by ${inUse.inUseBy[0]}.`,
      },
    ]);
    for (const certificate of [imported, expired, inUse]) expect(await entryFor(certificate)).toBeUndefined();
    expect(t.events.published).toEqual([]);
    expect(t.crlRefresh.requests).toBe(0);
  });
});

describe('RevokeCertificate stopped part-way', () => {
  it('after recording, before the event: the retry finishes with the first call’s date and reason', async () => {
    const t = setup();
    const certificate = await issuedCertificate();
    t.events.failNext();
    const first = await t.call({ CertificateArn: certificate.arn, RevocationReason: 'KEY_COMPROMISE' });
    expect(first.status).toBe(500);
    expect((await storedCertificate(dynamo.store, certificate.arn)).status).toBe('ISSUED');
    expect(await entryFor(certificate)).toMatchObject({ reason: 'KEY_COMPROMISE' });

    t.clock.advance(60_000);
    expect(await t.call({ CertificateArn: certificate.arn, RevocationReason: 'SUPERSEDED' })).toEqual({
      status: 200,
      body: { CertificateArn: certificate.arn },
    });
    expect((await storedCertificate(dynamo.store, certificate.arn)).revocation).toEqual({
      revokedAt: NOW.toISOString(),
      reason: 'KEY_COMPROMISE',
    });
    expect(t.events.of(certificate.arn)).toEqual(['ACM Certificate Revoked']);
    expect(t.events.published[0]?.time).toBe('2026-05-01T12:00:00Z');
    expect(t.crlRefresh.requests).toBe(1);
  });

  it('after the event, before the status: the retry moves it to REVOKED (the event may go out twice)', async () => {
    const t = setup();
    const certificate = await issuedCertificate();
    t.store.failNextSave(1); // the claim is saved, REVOKED is not
    expect((await t.call({ CertificateArn: certificate.arn, RevocationReason: 'UNSPECIFIED' })).status).toBe(
      500,
    );
    expect((await storedCertificate(dynamo.store, certificate.arn)).status).toBe('ISSUED');
    expect((await t.call({ CertificateArn: certificate.arn, RevocationReason: 'UNSPECIFIED' })).status).toBe(
      200,
    );
    expect((await storedCertificate(dynamo.store, certificate.arn)).status).toBe('REVOKED');
    expect(t.events.of(certificate.arn)).toEqual(['ACM Certificate Revoked', 'ACM Certificate Revoked']);
    expect(t.crlRefresh.requests).toBe(1);
  });

  it('refuses with ConflictException when a renewal stores a new body meanwhile: the revoked serial is listed, the new body is not revoked', async () => {
    const certificate = await issuedCertificate();
    const renewedSerial = '02aa';
    const t = setup({
      beforePublish: async () => {
        const current = await storedCertificate(dynamo.store, certificate.arn);
        if (current.issued?.serialHex === renewedSerial || !current.issued) return;
        await dynamo.store.save({ ...current, issued: { ...current.issued, serialHex: renewedSerial } });
      },
    });

    const answer = await t.call({ CertificateArn: certificate.arn, RevocationReason: 'KEY_COMPROMISE' });

    expect(answer).toEqual({
      status: 400,
      body: {
        __type: 'ConflictException',
        message: `Certificate ${certificate.arn} was renewed while it was being revoked: serial ${certificate.issued?.serialHex} is revoked, the renewed certificate is not yet; call RevokeCertificate again to revoke it.`,
      },
    });
    const stored = await storedCertificate(dynamo.store, certificate.arn);
    expect(stored).toMatchObject({ status: 'ISSUED', issued: { serialHex: renewedSerial } });
    expect(await entryFor(certificate)).toMatchObject({ reason: 'KEY_COMPROMISE' });
  });

  it('a failed CRL refresh request: the revocation stands, is answered, and waits for the scheduled CRL', async () => {
    const t = setup();
    const certificate = await issuedCertificate();
    t.crlRefresh.failures = 1;
    expect(await t.call({ CertificateArn: certificate.arn, RevocationReason: 'UNSPECIFIED' })).toEqual({
      status: 200,
      body: { CertificateArn: certificate.arn },
    });
    expect((await storedCertificate(dynamo.store, certificate.arn)).status).toBe('REVOKED');
    expect(await entryFor(certificate)).toBeDefined();
  });
});
