/**
 * The schedule run twice, at once or one after the other, and interrupted: no renewal started twice, no
 * notice sent twice; a notice whose send failed goes out on the next run.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../../functions/adapters/aws/dynamodb-store.ts';
import { announceIssuance } from '../../../../functions/core/events/announce-issuance.ts';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import { runSchedule, ScheduleIncompleteError } from '../../../../functions/core/schedule/run-schedule.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { useDynaliteStore } from '../core-fixtures.ts';
import { DAY_MS, issuedCertificate, NOT_AFTER, scheduleRig } from './schedule-fixtures.ts';

const dynalite = useDynaliteStore({ freshForEachTest: true });
let store: DynamoDbCertificateStore;

beforeEach(() => {
  store = dynalite.store;
});

/** 44 days and 22 hours before NotAfter: Approaching Expiration and the 45-day threshold are due. */
const AT_45_DAYS = new Date('2027-02-15T09:00:00.000Z');
/** A day after the window opened (60 days before NotAfter). */
const IN_WINDOW = new Date('2027-01-31T09:00:00.000Z');

async function stored(certificate: CertificateRecord): Promise<CertificateRecord> {
  await store.create(certificate);
  return certificate;
}

/** Stuck in renewal: its names no longer validate. */
function stuckRenewal(): CertificateRecord {
  return issuedCertificate({
    renewal: {
      status: 'PENDING_VALIDATION',
      statusReason: 'PENDING_DOMAIN_VALIDATION',
      updatedAt: '2027-01-31T09:05:00.000Z',
      cycle: 1,
    },
  });
}

function reread(certificate: CertificateRecord) {
  return store.get(certificate.accountId, certificate.id);
}

describe('the schedule run twice', () => {
  it('starts one renewal cycle when two runs visit the certificate at once', async () => {
    const certificate = await stored(issuedCertificate());
    const clock = new FakeClock(IN_WINDOW);
    const rig = scheduleRig(store, clock);

    const runs = await Promise.all([runSchedule(rig.deps, clock.now()), runSchedule(rig.deps, clock.now())]);

    expect(runs.map((run) => run.examined)).toEqual([1, 1]);
    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 1 });
    expect(new Set(rig.workflow.starts.map((start) => start.executionName))).toEqual(
      new Set([`${certificate.id}-renewal-1`]),
    );
  });

  it('sends each notice once when two runs visit the certificate at once', async () => {
    const certificate = await stored(stuckRenewal());
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);

    const runs = await Promise.all([runSchedule(rig.deps, clock.now()), runSchedule(rig.deps, clock.now())]);

    expect(runs.reduce((sum, run) => sum + run.approaching + run.actionRequired, 0)).toBe(2);
    expect(rig.events.of(certificate.arn).sort()).toEqual([
      'ACM Certificate Approaching Expiration',
      'ACM Certificate Renewal Action Required',
    ]);
    expect(rig.mailer.sent).toHaveLength(1);
  });

  it('sends nothing and starts nothing on a second run after a complete one', async () => {
    const renewing = await stored(issuedCertificate());
    const stuck = await stored(stuckRenewal());
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({
      examined: 2,
      approaching: 2,
      actionRequired: 1,
      renewalsStarted: 1,
    });
    const published = rig.events.published.length;
    const starts = rig.workflow.starts.length;

    clock.advance(60 * 60 * 1000);
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 0 });

    expect(rig.events.published).toHaveLength(published);
    expect(rig.workflow.starts).toHaveLength(starts);
    expect(rig.mailer.sent).toHaveLength(1);
    // Both come back on the next UTC day.
    expect((await reread(renewing))?.scheduledWorkAt).toBe('2027-02-16T00:00:00.000Z');
    expect((await reread(stuck))?.scheduledWorkAt).toBe('2027-02-16T00:00:00.000Z');
  });
});

describe('the schedule interrupted', () => {
  it('gives the claim back when the events cannot be published, and sends them on the next run', async () => {
    const certificate = await stored(stuckRenewal());
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);
    rig.events.failNext();

    await expect(runSchedule(rig.deps, clock.now())).rejects.toBeInstanceOf(ScheduleIncompleteError);
    const released = await reread(certificate);
    expect(released?.expiryNotices).toEqual({ actionRequiredSent: [] });
    expect(released?.scheduledWorkAt).toBe(certificate.scheduledWorkAt);
    expect(rig.mailer.sent).toEqual([]);

    clock.advance(60 * 1000);
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ approaching: 1, actionRequired: 1 });
    expect(rig.events.of(certificate.arn)).toEqual([
      'ACM Certificate Approaching Expiration',
      'ACM Certificate Renewal Action Required',
    ]);
    expect(rig.mailer.sent).toHaveLength(1);
    expect((await reread(certificate))?.expiryNotices).toEqual({
      approachingSentOn: '2027-02-15',
      actionRequiredSent: [45],
    });
  });

  it('keeps the notices claimed when only their mail failed: each event once, the failure logged without its credentials', async () => {
    const certificate = await stored(stuckRenewal());
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);
    const logs: Array<Record<string, unknown>> = [];
    let attempts = 0;
    const down = {
      ...rig.deps,
      log: (entry: Record<string, unknown>) => logs.push(entry),
      renewal: {
        ...(rig.deps.renewal as NonNullable<typeof rig.deps.renewal>),
        mailer: {
          send: async () => {
            attempts += 1;
            throw new Error('connection refused by smtp://notices:s3cret-pass@mail.example.test:587');
          },
        },
      },
    };

    for (let run = 0; run < 3; run++) {
      expect(await runSchedule(down, clock.now())).toMatchObject({
        approaching: run === 0 ? 1 : 0,
        actionRequired: run === 0 ? 1 : 0,
      });
      clock.advance(60 * 1000);
    }

    expect(rig.events.of(certificate.arn)).toEqual([
      'ACM Certificate Approaching Expiration',
      'ACM Certificate Renewal Action Required',
    ]);
    expect(attempts).toBe(1);
    expect((await reread(certificate))?.expiryNotices).toEqual({
      approachingSentOn: '2027-02-15',
      actionRequiredSent: [45],
    });
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'Renewal Action Required mail not sent; the event was published',
        certificateArn: certificate.arn,
        thresholds: [45],
        error: 'Error: connection refused by smtp://mail.example.test:587',
      },
    ]);
  });

  it('leaves the certificate due when the renewal’s write fails after the notices’: the next run starts that one cycle', async () => {
    const certificate = await stored(issuedCertificate());
    const clock = new FakeClock(IN_WINDOW);
    const rig = scheduleRig(store, clock);
    // The visit's first write (its notices and next visit) lands; the renewal's write does not.
    let saves = 0;
    const failingSecondSave = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'save') return typeof value === 'function' ? value.bind(target) : value;
        return (record: CertificateRecord) => {
          saves += 1;
          return saves === 2 ? Promise.reject(new Error('the table is unavailable')) : target.save(record);
        };
      },
    });

    await expect(runSchedule({ ...rig.deps, store: failingSecondSave }, clock.now())).rejects.toBeInstanceOf(
      ScheduleIncompleteError,
    );
    const afterFailure = await reread(certificate);
    expect(afterFailure?.renewal).toBeUndefined();
    // Due again: the next run visits it again.
    expect(afterFailure?.scheduledWorkAt).toBe(IN_WINDOW.toISOString());
    clock.advance(60 * 60 * 1000);
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 1, renewalsStarted: 1 });
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 0 });

    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 1 });
    expect(rig.workflow.starts.map((start) => start.executionName)).toEqual([`${certificate.id}-renewal-1`]);
  });
});

describe('a new body’s first visit', () => {
  it('is due when the body is announced, which also clears the notices sent for the body before', async () => {
    const unannounced = issuedCertificate({
      expiryNotices: { approachingSentOn: '2026-02-27', actionRequiredSent: [45, 30] },
      scheduledWorkAt: undefined,
    });
    const { announcedAt: _never, ...issued } = unannounced.issued as NonNullable<CertificateRecord['issued']>;
    const certificate = await stored({ ...unannounced, issued });
    const clock = new FakeClock(new Date('2026-03-02T08:15:43.000Z'));
    const rig = scheduleRig(store, clock);

    await announceIssuance(rig.deps, certificate);
    const announced = await reread(certificate);
    expect(announced?.scheduledWorkAt).toBe('2026-03-02T08:15:43.000Z');
    expect(announced?.expiryNotices).toBeUndefined();

    clock.advance(60 * 1000);
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 1 });
    // Planned: the renewal window opens 60 days before NotAfter.
    expect((await reread(certificate))?.scheduledWorkAt).toBe(
      new Date(Date.parse(NOT_AFTER) - 60 * DAY_MS).toISOString(),
    );
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ examined: 0 });
  });
});
