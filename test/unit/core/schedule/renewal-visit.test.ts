/**
 * One visit that both sends notices and starts a renewal: the notices tell the renewal as the visit found
 * it, and go out whether or not the renewal can be started.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbCertificateStore } from '../../../../functions/adapters/aws/dynamodb-store.ts';
import type { CertificateRecord } from '../../../../functions/core/model.ts';
import type { WorkflowInput, WorkflowStarter } from '../../../../functions/core/ports.ts';
import { runSchedule, ScheduleIncompleteError } from '../../../../functions/core/schedule/run-schedule.ts';
import { FakeClock } from '../../../support/fake-clock.ts';
import { useDynaliteStore } from '../core-fixtures.ts';
import { issuedCertificate, scheduleRig } from './schedule-fixtures.ts';

const dynalite = useDynaliteStore({ freshForEachTest: true });
let store: DynamoDbCertificateStore;

beforeEach(() => {
  store = dynalite.store;
});

/** 44 days and 22 hours before NotAfter: Approaching Expiration and the 45-day threshold are due. */
const AT_45_DAYS = new Date('2027-02-15T09:00:00.000Z');

/** The renewal failed yesterday because CAA refused this CA: it is retried at this visit. */
function failedYesterday(): CertificateRecord {
  return issuedCertificate({
    renewal: {
      status: 'FAILED',
      statusReason: 'CAA_ERROR',
      updatedAt: '2027-02-14T08:50:00.000Z',
      cycle: 1,
      domainValidations: [
        {
          ...issuedCertificate().domainValidations[0],
          status: 'FAILED',
          lastCheck: {
            at: '2027-02-14T08:50:00.000Z',
            outcome: 'CAA_FORBIDDEN',
            detail:
              'CAA at example.test (0 issue "ca.example.net") does not permit certwright for www.example.test',
          },
        } as CertificateRecord['domainValidations'][number],
      ],
    },
  });
}

/** A workflow service that refuses every start, as Step Functions throttling or down would. */
class RefusingWorkflow implements WorkflowStarter {
  attempts = 0;
  async start(_executionName: string, _input: WorkflowInput): Promise<void> {
    this.attempts += 1;
    throw new Error('the workflow service is unavailable');
  }
}

function reread(certificate: CertificateRecord) {
  return store.get(certificate.accountId, certificate.id);
}

describe('a visit that retries a failed renewal', () => {
  it('tells the failure as the visit found it, then starts the next cycle', async () => {
    const certificate = failedYesterday();
    await store.create(certificate);
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);

    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ actionRequired: 1, renewalsStarted: 1 });

    const actionRequired = rig.events.published.filter(
      (event) => event.detailType === 'ACM Certificate Renewal Action Required',
    );
    expect(actionRequired.map((event) => event.detail.RenewalStatusReason)).toEqual(['CAA_ERROR']);
    expect(rig.mailer.sent).toHaveLength(1);
    expect(rig.mailer.sent[0]?.text).toContain('Renewal status:        FAILED\n');
    expect(rig.mailer.sent[0]?.text).toContain('The last renewal attempt failed (CAA_ERROR)');
    expect(rig.workflow.starts.map((start) => start.executionName)).toEqual([`${certificate.id}-renewal-2`]);
    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 2 });
  });
});

describe('a visit whose renewal cannot be started', () => {
  it('still sends and records the day’s notices, stays due, and the next run starts the renewal without repeating them', async () => {
    const certificate = failedYesterday();
    await store.create(certificate);
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);
    const refusing = new RefusingWorkflow();
    const down = {
      ...rig.deps,
      renewal: { ...(rig.deps.renewal as NonNullable<typeof rig.deps.renewal>), workflow: refusing },
    };

    await expect(runSchedule(down, clock.now())).rejects.toBeInstanceOf(ScheduleIncompleteError);

    expect(refusing.attempts).toBe(1);
    expect(rig.events.of(certificate.arn)).toEqual([
      'ACM Certificate Approaching Expiration',
      'ACM Certificate Renewal Action Required',
    ]);
    expect(rig.mailer.sent).toHaveLength(1);
    const afterFailure = await reread(certificate);
    expect(afterFailure?.expiryNotices).toEqual({
      approachingSentOn: '2027-02-15',
      actionRequiredSent: [45],
    });
    // Due again at once: the next run tries the renewal again.
    expect(Date.parse(afterFailure?.scheduledWorkAt ?? '')).toBeLessThanOrEqual(clock.now().getTime());

    clock.advance(15 * 60 * 1000);
    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({
      examined: 1,
      approaching: 0,
      actionRequired: 0,
    });
    expect(rig.events.published).toHaveLength(2);
    expect(rig.mailer.sent).toHaveLength(1);
    // The cycle recorded by the refused start is the one run now.
    expect(rig.workflow.starts.map((start) => start.executionName)).toEqual([`${certificate.id}-renewal-2`]);
    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 2 });
  });
});

describe('a visit to a renewal whose run stopped', () => {
  it('counts a renewal stuck in PENDING_AUTO_RENEWAL for days as failed: tells the owner and starts a new cycle', async () => {
    // In AWS its execution closed without recording anything; starting that name again does nothing.
    const certificate = issuedCertificate({
      renewal: {
        status: 'PENDING_AUTO_RENEWAL',
        updatedAt: '2027-02-13T09:00:00.000Z',
        cycle: 1,
        domainValidations: issuedCertificate().domainValidations,
      },
    });
    await store.create(certificate);
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);

    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ actionRequired: 1, renewalsStarted: 1 });

    const actionRequired = rig.events.published.filter(
      (event) => event.detailType === 'ACM Certificate Renewal Action Required',
    );
    expect(actionRequired.map((event) => event.detail.RenewalStatusReason)).toEqual(['OTHER']);
    expect(rig.mailer.sent[0]?.text).toContain('stopped making progress');
    expect(rig.workflow.starts.map((start) => start.executionName)).toEqual([`${certificate.id}-renewal-2`]);
    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 2 });
  });

  it('starts a new cycle for a renewal waiting for validation whose checks stopped, but only resumes one still checking', async () => {
    const waiting = (nextCheckAt: string) =>
      issuedCertificate({
        renewal: {
          status: 'PENDING_VALIDATION',
          statusReason: 'PENDING_DOMAIN_VALIDATION',
          updatedAt: '2027-02-01T09:05:00.000Z',
          cycle: 1,
          domainValidations: issuedCertificate().domainValidations.map((dv) => ({
            ...dv,
            status: 'PENDING_VALIDATION' as const,
            lastCheck: { at: '2027-02-01T09:05:00.000Z', outcome: 'NO_RECORD', nextCheckAt },
          })),
        },
      });
    const stopped = waiting('2027-02-10T08:00:00.000Z');
    const checking = waiting('2027-02-15T09:30:00.000Z');
    await store.create(stopped);
    await store.create(checking);
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);

    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ actionRequired: 2, renewalsStarted: 1 });

    expect(rig.workflow.starts.map((start) => start.executionName).sort()).toEqual(
      [`${stopped.id}-renewal-2`, `${checking.id}-renewal-1`].sort(),
    );
    expect((await reread(stopped))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 2 });
    expect((await reread(checking))?.renewal).toMatchObject({ status: 'PENDING_VALIDATION', cycle: 1 });
  });
});

describe('a visit to a stalled renewal that may not be replaced', () => {
  it('starts the stalled run again under its own name and records no new cycle', async () => {
    const certificate = issuedCertificate({
      inUseBy: [],
      renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: '2027-02-13T09:00:00.000Z', cycle: 1 },
    });
    await store.create(certificate);
    const clock = new FakeClock(AT_45_DAYS);
    const rig = scheduleRig(store, clock);

    expect(await runSchedule(rig.deps, clock.now())).toMatchObject({ actionRequired: 1, renewalsStarted: 0 });

    expect(rig.workflow.starts.map((start) => start.executionName)).toEqual([`${certificate.id}-renewal-1`]);
    expect((await reread(certificate))?.renewal).toMatchObject({ status: 'PENDING_AUTO_RENEWAL', cycle: 1 });
  });
});
