/**
 * A certificate's whole life with the real workflow and the real schedule, the clock moved a day at a time:
 * issuance, Approaching Expiration every day from DaysBeforeExpiry (45) days out, managed renewal when the
 * renewal window (30 days here) opens, and for a certificate whose validation record was removed, Renewal
 * Action Required at each threshold and expiry at NotAfter. The exact event sequence of each is asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../functions/core/events/certificate-events.ts';
import type { CertificateRecord } from '../../functions/core/model.ts';
import type { CertificateEvent } from '../../functions/core/ports.ts';
import { runSchedule } from '../../functions/core/schedule/run-schedule.ts';
import { eventually } from '../support/eventually.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { RecordingEvents } from '../support/recording-events.ts';
import { lookup, pendingCertificate, ScriptedResolver } from '../unit/core/core-fixtures.ts';
import { RecordingMailer } from '../unit/core/email-fixtures.ts';
import { newWorkflowRunner, storedByArn, useWorkflowBackends } from './workflow-harness.ts';

const backends = useWorkflowBackends();
const WINDOW_DAYS = 30;
const NOTIFY = 'pki-owners@example.test';

const stoppers: Array<() => void> = [];
afterEach(() => {
  for (const stop of stoppers.splice(0)) stop();
});

function life() {
  const clock = new FakeClock(new Date('2026-01-01T12:00:00.000Z'));
  const dns = new ScriptedResolver();
  const events = new RecordingEvents();
  const mailer = new RecordingMailer();
  const runner = newWorkflowRunner(
    backends,
    { resolver: dns, clock, events, mailer },
    // A renewal waiting for its names checks again every 20 real milliseconds; the test lets it check once
    // after each day's move of the clock, as the hourly checks of a real run would have.
    { waitTimeOverrides: { WaitForValidation: 10, WaitForRenewalValidation: 20 }, retryIntervalMs: 1 },
  );
  stoppers.push(() => runner.stop());
  const schedule = () =>
    runSchedule(
      {
        store: backends.store,
        events,
        clock,
        renewal: {
          workflow: runner,
          mailer,
          settings: { windowDays: WINDOW_DAYS, renewAllIssued: false, notificationEmails: [NOTIFY] },
        },
      },
      clock.now(),
    );
  return { clock, dns, events, mailer, runner, schedule };
}

function recordOf(domainName: string) {
  const hex = Buffer.from(domainName).toString('hex').slice(0, 32).padEnd(32, '0');
  return { Name: `_${hex}.${domainName}.`, Type: 'CNAME' as const, Value: `_${hex}.validations.test.` };
}

/** An exported (so renewal-eligible) DNS-validated certificate, issued by its own run now. */
async function issue(t: ReturnType<typeof life>, name: string, id: string): Promise<CertificateRecord> {
  const record = recordOf(name);
  t.dns.answer('CNAME', record.Name, lookup('FOUND', [record.Value]));
  const certificate = pendingCertificate({
    id,
    domainName: name,
    subjectAlternativeNames: [name],
    subject: `CN=${name}`,
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'ENABLED' },
    validationDeadline: new Date(t.clock.now().getTime() + 72 * 3_600_000).toISOString(),
    domainValidations: [
      {
        domainName: name,
        validationDomain: name,
        validationMethod: 'DNS',
        status: 'PENDING_VALIDATION',
        resourceRecord: record,
      },
    ],
  });
  await backends.store.create(certificate);
  await t.runner.start(certificate.id, { certificateArn: certificate.arn });
  await t.runner.idle();
  const issued = await storedByArn(backends.store, certificate.arn);
  if (issued?.status !== 'ISSUED') throw new Error(`${name} was not issued`);
  // Exported once: eligible for managed renewal, as ACM.
  const exported = await backends.store.save({
    ...issued,
    exported: { firstExportedAt: issued.createdAt, lastExportedAt: issued.createdAt, count: 1 },
  });
  return exported;
}

/** What happened to one certificate, in order: detail-type, with the Action or DaysToExpiry it carried. */
function historyOf(events: CertificateEvent[], arn: string): string[] {
  return events
    .filter((event) => event.certificateArn === arn)
    .map((event) => {
      const { Action, DaysToExpiry } = event.detail as { Action?: string; DaysToExpiry?: number };
      const short = event.detailType.replace('ACM Certificate ', '');
      if (Action) return `${short} ${Action}`;
      return event.detailType === 'ACM Certificate Expired' ? short : `${short} ${DaysToExpiry}`;
    });
}

/** Whole days from `now` to NotAfter, a part day counting as one (ACM's DaysToExpiry). */
function daysToExpiry(notAfter: string, now: Date): number {
  return Math.ceil((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}

describe('a certificate’s whole life', () => {
  it('announces its expiry day by day, renews in the window, and expires the one whose record was removed', async () => {
    const t = life();
    const kept = await issue(t, 'kept.example.test', 'b1fe0000-0000-4000-8000-000000000001');
    const dropped = await issue(t, 'dropped.example.test', 'b1fe0000-0000-4000-8000-000000000002');
    const notAfter = kept.issued?.notAfter ?? '';
    expect(dropped.issued?.notAfter).toBe(notAfter);

    // What the rules say should happen, worked out day by day alongside the run.
    const expectedKept = ['Available ISSUANCE'];
    const expectedDropped = ['Available ISSUANCE'];
    let keptRenewed = false;
    let droppedRenewalStarted = false;
    const actionThresholds = [45, 30, 15, 7, 3, 1];
    const thresholdsSent = new Set<number>();

    // One schedule run a day at noon UTC, from the day of issuance to the day after NotAfter.
    while (t.clock.now().getTime() <= Date.parse(notAfter) + DAY_MS) {
      const now = t.clock.now();
      const days = daysToExpiry(notAfter, now);
      const expired = now.getTime() > Date.parse(notAfter);
      const inWindow = days <= WINDOW_DAYS;

      if (days === WINDOW_DAYS + 1) t.dns.forget('CNAME', recordOf('dropped.example.test').Name);

      if (!expired && days <= 45) {
        if (!keptRenewed) expectedKept.push(`Approaching Expiration ${days}`);
        expectedDropped.push(`Approaching Expiration ${days}`);
      }
      // Renewal Action Required covers every threshold reached since the last notice, once the renewal
      // waits for validation (it starts on the first day of the window and waits from its first check).
      if (!expired && droppedRenewalStarted) {
        const reached = actionThresholds.filter(
          (threshold) => days <= threshold && !thresholdsSent.has(threshold),
        );
        if (reached.length > 0) {
          for (const threshold of reached) thresholdsSent.add(threshold);
          expectedDropped.push(`Renewal Action Required ${days}`);
        }
      }
      if (expired) expectedDropped.push('Expired');

      if (droppedRenewalStarted && !expired) {
        await eventually(async () => {
          const checks = (await storedByArn(backends.store, dropped.arn))?.renewal?.domainValidations ?? [];
          return checks.some((dv) => dv.lastCheck?.at === now.toISOString());
        }, 'the waiting renewal of dropped to check again today');
      }
      await t.schedule();

      if (inWindow && !keptRenewed) {
        await eventually(
          async () => (await storedByArn(backends.store, kept.arn))?.renewal?.status === 'SUCCESS',
          'the renewal of kept',
        );
        expectedKept.push('Available RENEWAL');
        keptRenewed = true;
      }
      if (inWindow && !droppedRenewalStarted) {
        await eventually(
          async () =>
            (await storedByArn(backends.store, dropped.arn))?.renewal?.status === 'PENDING_VALIDATION',
          'the renewal of dropped to wait for its record',
        );
        droppedRenewalStarted = true;
      }
      t.clock.advance(DAY_MS);
    }

    expect(historyOf(t.events.published, kept.arn)).toEqual(expectedKept);
    expect(historyOf(t.events.published, dropped.arn)).toEqual(expectedDropped);

    const renewed = await storedByArn(backends.store, kept.arn);
    expect(renewed).toMatchObject({
      arn: kept.arn,
      status: 'ISSUED',
      renewal: { status: 'SUCCESS', cycle: 1 },
    });
    expect(renewed?.issued?.serialHex).not.toBe(kept.issued?.serialHex);
    expect(renewed?.issued?.certificatePem).not.toBe(kept.issued?.certificatePem);
    expect(Date.parse(renewed?.issued?.notAfter ?? '')).toBeGreaterThan(Date.parse(notAfter));

    const gone = await storedByArn(backends.store, dropped.arn);
    // Its renewal run gave up at NotAfter; the expiry failed the renewal it left waiting for validation.
    expect(gone).toMatchObject({
      status: 'EXPIRED',
      renewal: { status: 'FAILED', statusReason: 'OTHER', cycle: 1 },
    });
    expect(gone?.issued?.serialHex).toBe(dropped.issued?.serialHex);
    // Each Renewal Action Required went to the owner by mail as well.
    expect(t.mailer.sent.filter((mail) => mail.to.includes(NOTIFY))).toHaveLength(
      expectedDropped.filter((entry) => entry.startsWith('Renewal Action Required')).length,
    );
  }, 60_000);
});
