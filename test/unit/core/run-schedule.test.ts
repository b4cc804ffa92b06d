/**
 * runSchedule against the real DynamoDB store on in-process dynalite, with a clock moved by hand and a
 * recording event publisher.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../functions/adapters/aws/dynamodb-store.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import type { CertificateStore } from '../../../functions/core/ports.ts';
import {
  ANNOUNCE_GRACE_MS,
  runSchedule,
  type ScheduleDeps,
  ScheduleIncompleteError,
  type ScheduleRun,
} from '../../../functions/core/schedule/run-schedule.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { RecordingEvents } from '../../support/recording-events.ts';
import { pendingCertificate, useDynaliteStore } from './core-fixtures.ts';

const ISSUED_AT = new Date('2026-03-02T08:15:42.637Z');
const NOT_AFTER = new Date('2027-04-01T07:15:41.000Z');
const SECOND = 1000;

const dynalite = useDynaliteStore({ freshForEachTest: true });
let store: DynamoDbCertificateStore;

beforeEach(() => {
  store = dynalite.store;
});

/** An ISSUED certificate, stored; its issuance announced unless `announced` is false. */
async function issuedCertificate(
  options: { notAfter?: Date; announced?: boolean; name?: string } = {},
): Promise<CertificateRecord> {
  const name = options.name ?? 'expiring.example.test';
  const certificate: CertificateRecord = {
    ...pendingCertificate({ domainName: name, subjectAlternativeNames: [name], subject: `CN=${name}` }),
    status: 'ISSUED',
    issued: {
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      chainPem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
      serialHex: '01aa',
      notBefore: '2026-03-02T07:15:42.000Z',
      notAfter: (options.notAfter ?? NOT_AFTER).toISOString(),
      issuedAt: ISSUED_AT.toISOString(),
      sealedPrivateKey: 'sealed',
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      extendedKeyUsages: [{ name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' }],
      ...(options.announced === false ? {} : { announcedAt: ISSUED_AT.toISOString() }),
    },
    // An announced body has its next visit planned; here, at NotAfter.
    ...(options.announced === false
      ? {}
      : { scheduledWorkAt: (options.notAfter ?? NOT_AFTER).toISOString() }),
  };
  await store.create(certificate);
  return certificate;
}

function scheduleDeps(clock: FakeClock, overrides: Partial<ScheduleDeps> = {}) {
  const events = new RecordingEvents();
  return { store, events, clock, ...overrides } as ScheduleDeps & { events: RecordingEvents };
}

/** A run's counts: the ones given, zero for the rest. */
function counts(given: Partial<ScheduleRun>): ScheduleRun {
  return {
    examined: 0,
    expired: 0,
    announced: 0,
    approaching: 0,
    actionRequired: 0,
    renewalsStarted: 0,
    ...given,
  };
}

function reread(certificate: CertificateRecord) {
  return store.get(certificate.accountId, certificate.id);
}

/** The real store, with `save` failing the first `times` calls. */
function failingSaves(times: number): CertificateStore {
  let failures = times;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'save') return Reflect.get(target, property, receiver).bind(target);
      return (certificate: CertificateRecord) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('the table is unavailable'));
        }
        return target.save(certificate);
      };
    },
  });
}

describe('runSchedule expiring certificates', () => {
  it('leaves a certificate alone until NotAfter has passed, then expires it with exactly one event', async () => {
    const certificate = await issuedCertificate();
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() - SECOND));
    const deps = scheduleDeps(clock);

    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 0, expired: 0, announced: 0 }));
    clock.advance(SECOND);
    // Valid through NotAfter itself: not expired yet, and today's Approaching Expiration not sent yet.
    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 1, approaching: 1 }));
    expect((await reread(certificate))?.status).toBe('ISSUED');
    expect(deps.events.of(certificate.arn)).toEqual(['ACM Certificate Approaching Expiration']);
    deps.events.published.length = 0;

    clock.advance(SECOND);
    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 1, expired: 1, announced: 0 }));

    expect(await reread(certificate)).toEqual({
      ...certificate,
      status: 'EXPIRED',
      // The visit at NotAfter, not yet past it, sent its notice and planned the next visit.
      expiryNotices: { approachingSentOn: '2027-04-01' },
      scheduledWorkAt: NOT_AFTER.toISOString(),
      version: certificate.version + 2,
    });
    expect(deps.events.published).toEqual([
      {
        detailType: 'ACM Certificate Expired',
        certificateArn: certificate.arn,
        accountId: certificate.accountId,
        region: certificate.region,
        time: '2027-04-01T07:15:42Z',
        detail: expect.objectContaining({
          CommonName: 'expiring.example.test',
          CertificateExpirationDate: '2027-04-01T07:15:41Z',
        }),
      },
    ]);
  });

  it('fails a renewal still under way in the same write that expires the certificate', async () => {
    const issued = await issuedCertificate();
    const renewing = await store.save({
      ...issued,
      renewal: {
        status: 'PENDING_VALIDATION',
        statusReason: 'PENDING_DOMAIN_VALIDATION',
        updatedAt: '2027-02-01T09:05:00.000Z',
        cycle: 1,
        domainValidations: issued.domainValidations,
      },
    });
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));

    expect(await runSchedule(scheduleDeps(clock), clock.now())).toMatchObject({ expired: 1 });

    expect(await reread(issued)).toEqual({
      ...renewing,
      status: 'EXPIRED',
      renewal: {
        ...renewing.renewal,
        status: 'FAILED',
        statusReason: 'OTHER',
        updatedAt: clock.now().toISOString(),
      },
      version: renewing.version + 1,
    });
  });

  it('publishes nothing more when run again, then or much later', async () => {
    const certificate = await issuedCertificate();
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    const deps = scheduleDeps(clock);
    await runSchedule(deps, clock.now());

    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 0, expired: 0, announced: 0 }));
    clock.advance(400 * 24 * 3600 * SECOND);
    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 0, expired: 0, announced: 0 }));

    expect(deps.events.of(certificate.arn)).toEqual(['ACM Certificate Expired']);
  });

  it('keeps a certificate ISSUED when its event cannot be published, and expires it on the next run', async () => {
    const certificate = await issuedCertificate();
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    const deps = scheduleDeps(clock);
    deps.events.failNext();

    const failed = runSchedule(deps, clock.now());
    await expect(failed).rejects.toBeInstanceOf(ScheduleIncompleteError);
    await expect(failed).rejects.toThrow(/1 of 1 due certificates could not be settled.*unavailable/);
    expect((await reread(certificate))?.status).toBe('ISSUED');
    expect(deps.events.published).toEqual([]);

    expect(await runSchedule(deps, clock.now())).toMatchObject({ expired: 1 });
    expect((await reread(certificate))?.status).toBe('EXPIRED');
    expect(deps.events.of(certificate.arn)).toEqual(['ACM Certificate Expired']);
  });

  it('publishes again when the status could not be saved after the event: at least once, never lost', async () => {
    const certificate = await issuedCertificate();
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    const events = new RecordingEvents();

    await expect(
      runSchedule(scheduleDeps(clock, { store: failingSaves(1), events }), clock.now()),
    ).rejects.toThrow(ScheduleIncompleteError);
    expect((await reread(certificate))?.status).toBe('ISSUED');

    await runSchedule(scheduleDeps(clock, { events }), clock.now());

    expect((await reread(certificate))?.status).toBe('EXPIRED');
    expect(events.of(certificate.arn)).toEqual(['ACM Certificate Expired', 'ACM Certificate Expired']);
  });

  it('settles the other certificates when one fails, and reports the one that did not', async () => {
    const failing = await issuedCertificate({ name: 'failing.example.test' });
    const healthy = await issuedCertificate({ name: 'healthy.example.test' });
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    const events = new RecordingEvents();
    const refusing: ScheduleDeps['events'] = {
      publish: (batch) =>
        batch.some((event) => event.certificateArn === failing.arn)
          ? Promise.reject(new Error(`refused ${failing.arn}`))
          : events.publish(batch),
    };

    const error = await runSchedule(scheduleDeps(clock, { events: refusing }), clock.now()).catch(
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(ScheduleIncompleteError);
    expect((error as ScheduleIncompleteError).run).toEqual(counts({ examined: 2, expired: 1, announced: 0 }));
    expect((await reread(failing))?.status).toBe('ISSUED');
    expect((await reread(healthy))?.status).toBe('EXPIRED');
    expect(events.published.map((event) => event.certificateArn)).toEqual([healthy.arn]);
  });

  it('re-reads each certificate: a stale index entry of one that changed since is left alone', async () => {
    const deleted = await issuedCertificate({ name: 'deleted.example.test' });
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    await store.delete(deleted.accountId, deleted.id);
    const deps = scheduleDeps(clock, {
      findDue: async () => ({
        references: [{ accountId: deleted.accountId, certificateId: deleted.id, arn: deleted.arn }],
      }),
    });

    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 1, expired: 0, announced: 0 }));
    expect(deps.events.published).toEqual([]);
    expect(await reread(deleted)).toBeUndefined();
  });

  it('pages through more due certificates than one page holds', async () => {
    const certificates = [];
    for (let index = 0; index < 30; index++) {
      certificates.push(await issuedCertificate({ name: `host-${index}.example.test` }));
    }
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    const deps = scheduleDeps(clock);

    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 30, expired: 30, announced: 0 }));

    expect(new Set(deps.events.published.map((event) => event.certificateArn))).toEqual(
      new Set(certificates.map((certificate) => certificate.arn)),
    );
    expect(deps.events.published).toHaveLength(30);
  });
});

describe('runSchedule catching up on issuances never announced', () => {
  it('publishes the Available event once the issue task has had its grace period, and only once', async () => {
    const certificate = await issuedCertificate({ announced: false });
    const clock = new FakeClock(new Date(ISSUED_AT.getTime() + ANNOUNCE_GRACE_MS - SECOND));
    const deps = scheduleDeps(clock);

    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 1, expired: 0, announced: 0 }));
    expect(deps.events.published).toEqual([]);

    clock.advance(SECOND);
    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 1, expired: 0, announced: 1 }));
    expect(deps.events.of(certificate.arn)).toEqual(['ACM Certificate Available']);
    expect(deps.events.published[0]?.detail).toMatchObject({ Action: 'ISSUANCE' });
    expect((await reread(certificate))?.issued?.announcedAt).toBe(clock.now().toISOString());

    // Announced, it waits in the queue for its NotAfter.
    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 0, expired: 0, announced: 0 }));
    clock.advance(NOT_AFTER.getTime() - clock.now().getTime() + SECOND);
    expect(await runSchedule(deps, clock.now())).toMatchObject({ expired: 1 });
    expect(deps.events.of(certificate.arn)).toEqual(['ACM Certificate Available', 'ACM Certificate Expired']);
  });

  it('only expires a certificate whose issuance was never announced and whose NotAfter has passed', async () => {
    const certificate = await issuedCertificate({ announced: false });
    const clock = new FakeClock(new Date(NOT_AFTER.getTime() + SECOND));
    const deps = scheduleDeps(clock);

    expect(await runSchedule(deps, clock.now())).toEqual(counts({ examined: 1, expired: 1, announced: 0 }));
    expect(deps.events.of(certificate.arn)).toEqual(['ACM Certificate Expired']);
  });
});
