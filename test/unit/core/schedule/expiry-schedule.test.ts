/**
 * The schedule day by day, from issuance to expiry: runSchedule on the real store (dynalite), once a day at
 * 09:00 UTC on a clock moved by hand, with recording events, workflow starter and mailer.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../../functions/adapters/aws/dynamodb-store.ts';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import type { CertificateStore } from '../../../../functions/core/ports.ts';
import { runSchedule, type ScheduleRun } from '../../../../functions/core/schedule/run-schedule.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { useDynaliteStore } from '../core-fixtures.ts';
import {
  DAY_MS,
  daysFrom,
  importedCertificate,
  issuedCertificate,
  NOT_AFTER,
  renewalRunChecked,
  type ScheduleRig,
  scheduleRig,
  setRenewal,
} from './schedule-fixtures.ts';

const dynalite = useDynaliteStore({ freshForEachTest: true });
let store: DynamoDbCertificateStore;

beforeEach(() => {
  store = dynalite.store;
});

const FIRST_RUN = new Date('2026-03-02T09:00:00.000Z');
const AFTER_EXPIRY = Date.parse(NOT_AFTER) + 3 * DAY_MS;

interface DailyRun {
  day: string;
  run: ScheduleRun;
}

/**
 * Runs the schedule every day at 09:00 UTC until a few days past NotAfter; `eachDay` runs after each run,
 * as what happens in between (a renewal run recording its state, an operator attaching the certificate).
 */
async function runDaily(
  rig: ScheduleRig,
  clock: FakeClock,
  eachDay: (day: string) => Promise<void> = async () => {},
  until = AFTER_EXPIRY,
): Promise<DailyRun[]> {
  const runs: DailyRun[] = [];
  while (clock.now().getTime() < until) {
    const day = clock.now().toISOString().slice(0, 10);
    runs.push({ day, run: await runSchedule(rig.deps, clock.now()) });
    await eachDay(day);
    clock.advance(DAY_MS);
  }
  return runs;
}

function visitedDays(runs: DailyRun[]): string[] {
  return runs.filter(({ run }) => run.examined > 0).map(({ day }) => day);
}

function published(rig: ScheduleRig, detailType: string) {
  return rig.events.published.filter((event) => event.detailType === detailType);
}

async function stored(certificate: CertificateRecord): Promise<CertificateRecord> {
  await store.create(certificate);
  return certificate;
}

function reread(certificate: CertificateRecord): Promise<CertificateRecord | undefined> {
  return store.get(certificate.accountId, certificate.id);
}

/** The renewal run checks hourly, waiting on a CAA lookup that keeps failing: alive, not stalled. */
function runAtWork(certificate: CertificateRecord, clock: FakeClock): Promise<void> {
  return renewalRunChecked(store, certificate, clock.now(), 'CAA_LOOKUP_FAILED');
}

/** From 45 days before NotAfter (2027-02-15) through the last day before it (2027-03-31). */
const APPROACHING_DAYS = daysFrom('2027-02-15', '2027-03-31');

describe('the schedule over a certificate’s life', () => {
  it('plans the first visit, renews at 60 days, warns daily from 45 days and at each threshold while the renewal is stuck, then expires it', async () => {
    const certificate = await stored(issuedCertificate());
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(store, clock);

    const runs = await runDaily(rig, clock, async (day) => {
      // The renewal run finds the validation record gone the day it starts.
      if (day === '2027-01-31')
        await setRenewal(
          store,
          certificate,
          { status: 'PENDING_VALIDATION', statusReason: 'PENDING_DOMAIN_VALIDATION' },
          clock.now(),
        );
    });

    // Visited only when something is due: the first planning visit, then every day from the renewal's start
    // (while it is under way and while Approaching Expiration events go out), and the day it expires.
    expect(visitedDays(runs)).toEqual(['2026-03-02', ...daysFrom('2027-01-31', '2027-04-01')]);
    expect(runs.find(({ day }) => day === '2027-01-31')?.run).toMatchObject({ renewalsStarted: 1 });
    expect(runs.reduce((sum, { run }) => sum + run.renewalsStarted, 0)).toBe(1);
    // One renewal cycle: every start names its one execution (later ones resume it, idempotent by name).
    expect(new Set(rig.workflow.starts.map((start) => start.executionName))).toEqual(
      new Set([`${certificate.id}-renewal-1`]),
    );
    expect(rig.workflow.starts[0]?.input).toEqual({ certificateArn: certificate.arn, renewal: true });

    const approaching = published(rig, 'ACM Certificate Approaching Expiration');
    expect(approaching.map((event) => event.time.slice(0, 10))).toEqual(APPROACHING_DAYS);
    expect(approaching.map((event) => event.detail.DaysToExpiry)).toEqual(
      Array.from({ length: 45 }, (_, index) => 45 - index),
    );
    expect(approaching[0]).toEqual({
      detailType: 'ACM Certificate Approaching Expiration',
      certificateArn: certificate.arn,
      accountId: certificate.accountId,
      region: certificate.region,
      time: '2027-02-15T09:00:00Z',
      detail: {
        DaysToExpiry: 45,
        CommonName: 'www.example.test',
        FirstSubjectAlternativeName: 'www.example.test',
        ValidityInDays: 395,
        CertificateKeyPairOrigin: 'AWS_MANAGED',
      },
    });

    const actionRequired = published(rig, 'ACM Certificate Renewal Action Required');
    expect(actionRequired.map((event) => [event.time.slice(0, 10), event.detail.DaysToExpiry])).toEqual([
      ['2027-02-15', 45],
      ['2027-03-02', 30],
      ['2027-03-17', 15],
      ['2027-03-25', 7],
      ['2027-03-29', 3],
      ['2027-03-31', 1],
    ]);
    expect(actionRequired[0]?.detail).toEqual({
      CertificateType: 'AMAZON_ISSUED',
      CommonName: 'www.example.test',
      FirstSubjectAlternativeName: 'www.example.test',
      ValidityInDays: 395,
      CertificateKeyPairOrigin: 'AWS_MANAGED',
      DomainValidationMethod: 'DNS',
      RenewalStatusReason: 'PENDING_DOMAIN_VALIDATION',
      DaysToExpiry: 45,
      CertificateExpirationDate: '2027-04-01T07:15:41Z',
      InUse: true,
      Exported: false,
    });
    expect(rig.mailer.sent.map((mail) => [mail.to, mail.subject])).toEqual(
      [45, 30, 15, 7, 3, 1].map((days) => [
        ['ops@example.test', 'security@example.test'],
        `Action required: the certificate for www.example.test expires in ${days} day${days === 1 ? '' : 's'}`,
      ]),
    );

    expect(published(rig, 'ACM Certificate Expired').map((event) => event.time)).toEqual([
      '2027-04-01T09:00:00Z',
    ]);
    expect(rig.events.published).toHaveLength(45 + 6 + 1);
    expect(await reread(certificate)).toMatchObject({
      status: 'EXPIRED',
      expiryNotices: { approachingSentOn: '2027-03-31', actionRequiredSent: [45, 30, 15, 7, 3, 1] },
    });
  });

  it('starts Approaching Expiration at the account’s DaysBeforeExpiry, reading the configuration once per account and run', async () => {
    const first = await stored(importedCertificate());
    const second = await stored(importedCertificate());
    await store.putAccountConfiguration(
      first.accountId,
      { expiryEvents: { daysBeforeExpiry: 10 } },
      { idempotencyToken: 'ten-days', now: FIRST_RUN, windowSeconds: 3600 },
    );
    let configurationReads = 0;
    const counting: CertificateStore = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'getAccountConfiguration')
          return typeof value === 'function' ? value.bind(target) : value;
        return (accountId: string) => {
          configurationReads += 1;
          return target.getAccountConfiguration(accountId);
        };
      },
    });
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(counting, clock);

    const runs = await runDaily(rig, clock);

    expect(visitedDays(runs)).toEqual(['2026-03-02', ...daysFrom('2027-03-22', '2027-04-01')]);
    for (const certificate of [first, second]) {
      const approaching = rig.events.published.filter((event) => event.certificateArn === certificate.arn);
      expect(approaching.map((event) => event.detail.DaysToExpiry)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      expect(approaching[0]?.detail.CertificateKeyPairOrigin).toBe('CUSTOMER_PROVIDED');
    }
    // Both certificates share each run's one read of their account's configuration.
    expect(configurationReads).toBe(visitedDays(runs).length - 1);
  });

  it('warns of an imported certificate’s expiry every day from 45 days, never renews it, and expires it without the Expired event', async () => {
    const certificate = await stored(
      importedCertificate({ inUseBy: ['arn:aws:cloudfront::111122223333:distribution/E1'] }),
    );
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(store, clock, { renewAllIssued: true });

    const runs = await runDaily(rig, clock);

    expect(visitedDays(runs)).toEqual(['2026-03-02', ...APPROACHING_DAYS, '2027-04-01']);
    expect(rig.events.of(certificate.arn)).toEqual(
      APPROACHING_DAYS.map(() => 'ACM Certificate Approaching Expiration'),
    );
    expect(rig.workflow.starts).toEqual([]);
    expect(rig.mailer.sent).toEqual([]);
    expect((await reread(certificate))?.status).toBe('EXPIRED');
  });
});

describe('the schedule and renewal eligibility', () => {
  it('looks again every day in the window at a certificate not eligible, and renews it the day after it is put in use', async () => {
    const certificate = await stored(issuedCertificate({ inUseBy: [] }));
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(store, clock);

    const runs = await runDaily(rig, clock, async (day) => {
      if (day === '2027-02-20')
        await store.save({
          ...((await reread(certificate)) as CertificateRecord),
          inUseBy: ['arn:aws:elb:x'],
        });
      await runAtWork(certificate, clock);
    });

    expect(visitedDays(runs)).toEqual(['2026-03-02', ...daysFrom('2027-01-31', '2027-04-01')]);
    expect(runs.filter(({ run }) => run.renewalsStarted > 0).map(({ day }) => day)).toEqual(['2027-02-21']);
    expect(rig.workflow.starts[0]?.executionName).toBe(`${certificate.id}-renewal-1`);
  });

  it('renews every issued certificate with renewAllIssued, in use or not', async () => {
    const certificate = await stored(issuedCertificate({ inUseBy: [] }));
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(store, clock, { renewAllIssued: true });

    const runs = await runDaily(rig, clock, () => runAtWork(certificate, clock));

    expect(runs.filter(({ run }) => run.renewalsStarted > 0).map(({ day }) => day)).toEqual(['2027-01-31']);
    expect(new Set(rig.workflow.starts.map((start) => start.executionName))).toEqual(
      new Set([`${certificate.id}-renewal-1`]),
    );
  });

  it('starts at the configured window: 30 days', async () => {
    const certificate = await stored(issuedCertificate());
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(store, clock, { windowDays: 30 });

    const runs = await runDaily(rig, clock, () => runAtWork(certificate, clock));

    expect(runs.filter(({ run }) => run.renewalsStarted > 0).map(({ day }) => day)).toEqual(['2027-03-02']);
    expect(rig.workflow.starts.map((start) => start.executionName)).toContain(`${certificate.id}-renewal-1`);
  });

  it('tells the owner when a renewal fails, with its reason, and tries again the next day', async () => {
    const certificate = await stored(issuedCertificate());
    const clock = new FakeClock(FIRST_RUN);
    const rig = scheduleRig(store, clock);

    const runs = await runDaily(
      rig,
      clock,
      async (day) => {
        if (day === '2027-02-20') {
          // The renewal run fails an hour after the day's schedule run.
          clock.advance(60 * 60 * 1000);
          await setRenewal(store, certificate, { status: 'FAILED', statusReason: 'CAA_ERROR' }, clock.now());
          clock.advance(-60 * 60 * 1000);
        } else await runAtWork(certificate, clock);
      },
      Date.parse('2027-02-22T12:00:00.000Z'),
    );

    expect(runs.filter(({ run }) => run.renewalsStarted > 0).map(({ day }) => day)).toEqual([
      '2027-01-31',
      '2027-02-21',
    ]);
    expect(new Set(rig.workflow.starts.map((start) => start.executionName))).toEqual(
      new Set([`${certificate.id}-renewal-1`, `${certificate.id}-renewal-2`]),
    );
    // The failure is told at the next visit, once (the 45-day mark had passed while the renewal was under
    // way), as it was found: the retry at that same visit comes after the notice.
    const actionRequired = published(rig, 'ACM Certificate Renewal Action Required');
    expect(
      actionRequired.map((event) => [
        event.time.slice(0, 10),
        event.detail.RenewalStatusReason,
        event.detail.DaysToExpiry,
      ]),
    ).toEqual([['2027-02-21', 'CAA_ERROR', 39]]);
    expect(rig.mailer.sent).toHaveLength(1);
    expect(rig.mailer.sent[0]?.text).toContain('The last renewal attempt failed (CAA_ERROR)');
  });

  it('tries a renewal that failed at 59 days to expiry again the next day, not at the 45-day mark', async () => {
    const certificate = await stored(issuedCertificate());
    const clock = new FakeClock(new Date('2027-01-31T09:00:00.000Z'));
    const rig = scheduleRig(store, clock);

    const runs = await runDaily(
      rig,
      clock,
      async (day) => {
        // The first attempt's run waits for its record, checking hourly; the day after, CAA refuses.
        if (day === '2027-01-31') await renewalRunChecked(store, certificate, clock.now(), 'NO_RECORD');
        if (day === '2027-02-01') {
          clock.advance(60 * 60 * 1000);
          await setRenewal(store, certificate, { status: 'FAILED', statusReason: 'CAA_ERROR' }, clock.now());
          clock.advance(-60 * 60 * 1000);
        }
        // The second attempt waits for its record, checking hourly.
        if (day >= '2027-02-02') await renewalRunChecked(store, certificate, clock.now(), 'NO_RECORD');
      },
      Date.parse('2027-02-10T12:00:00.000Z'),
    );

    expect(runs.filter(({ run }) => run.renewalsStarted > 0).map(({ day }) => day)).toEqual([
      '2027-01-31',
      '2027-02-02',
    ]);
    // Looked at every day meanwhile: a renewal under way or failed is never left for weeks.
    expect(visitedDays(runs)).toEqual(daysFrom('2027-01-31', '2027-02-10'));
    expect(new Set(rig.workflow.starts.map((start) => start.executionName))).toEqual(
      new Set([`${certificate.id}-renewal-1`, `${certificate.id}-renewal-2`]),
    );
    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_VALIDATION', cycle: 2 });
  });

  it('does not renew a renewed body at once: its first visit plans the renewal 60 days before its own NotAfter', async () => {
    const renewedNotAfter = '2028-04-30T07:15:41.000Z';
    const certificate = await stored(
      issuedCertificate({
        renewal: { status: 'SUCCESS', updatedAt: '2027-03-01T10:00:00.000Z', cycle: 1 },
        issued: {
          ...(issuedCertificate().issued as NonNullable<CertificateRecord['issued']>),
          serialHex: '02bb',
          notBefore: '2027-03-01T09:00:00.000Z',
          notAfter: renewedNotAfter,
          issuedAt: '2027-03-01T10:00:00.000Z',
          announcedAt: '2027-03-01T10:00:00.000Z',
        },
        scheduledWorkAt: '2027-03-01T10:00:00.000Z',
      }),
    );
    const clock = new FakeClock(new Date('2027-03-02T09:00:00.000Z'));
    const rig = scheduleRig(store, clock);

    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 1, renewalsStarted: 0 });
    expect((await reread(certificate))?.scheduledWorkAt).toBe('2028-03-01T07:15:41.000Z');
    expect(rig.workflow.starts).toEqual([]);
  });
});
