/** Certificates and ports for the schedule's tests: plain records in dynalite, recording adapters. */
import { updateCertificate } from '../../../../functions/core/certificates/update-certificate.ts';
import { DAY_MS } from '../../../../functions/core/events/certificate-events.ts';
import type { CertificateRecord, RenewalState } from '../../../../functions/core/model.ts';
import type { CertificateStore } from '../../../../functions/core/ports.ts';
import type { ScheduleDeps } from '../../../../functions/core/schedule/run-schedule.ts';
import type { RenewalSettings } from '../../../../functions/core/settings.ts';
import type { FakeClock } from '../../../support/fake-clock.ts';
import { RecordingEvents } from '../../../support/recording-events.ts';
import { pendingCertificate, RecordingWorkflow } from '../core-fixtures.ts';
import { RecordingMailer } from '../email-fixtures.ts';

export { DAY_MS };
/** Issued 2026-03-02 for 395 days; NotAfter 2027-04-01T07:15:41Z. */
export const NOT_BEFORE = '2026-03-02T07:15:42.000Z';
export const NOT_AFTER = '2027-04-01T07:15:41.000Z';
export const ANNOUNCED_AT = '2026-03-02T08:15:42.637Z';
export const LOAD_BALANCER =
  'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188';

export const RENEWAL_SETTINGS: RenewalSettings = {
  windowDays: 60,
  renewAllIssued: false,
  notificationEmails: ['ops@example.test', 'security@example.test'],
};

/** An announced ISSUED certificate in use (so eligible), due for its first visit since its announcement. */
export function issuedCertificate(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  const base = pendingCertificate({
    domainName: 'www.example.test',
    subjectAlternativeNames: ['www.example.test'],
    subject: 'CN=www.example.test',
  });
  return {
    ...base,
    domainValidations: base.domainValidations.map((dv) => ({
      ...dv,
      domainName: 'www.example.test',
      status: 'SUCCESS' as const,
    })),
    status: 'ISSUED',
    inUseBy: [LOAD_BALANCER],
    issued: {
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      chainPem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
      serialHex: '01aa',
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      issuedAt: ANNOUNCED_AT,
      sealedPrivateKey: 'sealed',
      keyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
      extendedKeyUsages: [{ name: 'TLS_WEB_SERVER_AUTHENTICATION', oid: '1.3.6.1.5.5.7.3.1' }],
      announcedAt: ANNOUNCED_AT,
    },
    scheduledWorkAt: ANNOUNCED_AT,
    ...overrides,
  };
}

/** An imported certificate with the same dates (no validations, never renewed). */
export function importedCertificate(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return issuedCertificate({
    type: 'IMPORTED',
    domainValidations: [],
    importedAt: ANNOUNCED_AT,
    inUseBy: [],
    ...overrides,
  });
}

export interface ScheduleRig {
  deps: ScheduleDeps;
  events: RecordingEvents;
  workflow: RecordingWorkflow;
  mailer: RecordingMailer;
}

export function scheduleRig(
  store: CertificateStore,
  clock: FakeClock,
  settings: Partial<RenewalSettings> = {},
): ScheduleRig {
  const events = new RecordingEvents();
  const workflow = new RecordingWorkflow();
  const mailer = new RecordingMailer();
  const deps: ScheduleDeps = {
    store,
    events,
    clock,
    renewal: { workflow, mailer, settings: { ...RENEWAL_SETTINGS, ...settings } },
  };
  return { deps, events, workflow, mailer };
}

/** What the renewal run records when a name stops validating, or when it fails. */
export async function setRenewal(
  store: CertificateStore,
  certificate: CertificateRecord,
  renewal: Pick<RenewalState, 'status' | 'statusReason'>,
  at: Date,
): Promise<void> {
  await updateCertificate(store, certificate.accountId, certificate.id, (current) => ({
    ...current,
    renewal: { ...current.renewal, ...renewal, updatedAt: at.toISOString() },
  }));
}

/**
 * What a renewal run at work writes at each of its hourly checks: its names checked at `at`, the next check
 * an hour later. NO_RECORD: a validation record is gone, so the renewal waits in PENDING_VALIDATION;
 * CAA_LOOKUP_FAILED: its names validated, it keeps its status while a CAA lookup keeps failing. Nothing is
 * written for a renewal not under way.
 */
export async function renewalRunChecked(
  store: CertificateStore,
  certificate: CertificateRecord,
  at: Date,
  outcome: 'NO_RECORD' | 'CAA_LOOKUP_FAILED',
): Promise<void> {
  await updateCertificate(store, certificate.accountId, certificate.id, (current) => {
    const { renewal } = current;
    if (renewal?.status !== 'PENDING_AUTO_RENEWAL' && renewal?.status !== 'PENDING_VALIDATION')
      return undefined;
    const lastCheck = {
      at: at.toISOString(),
      outcome,
      nextCheckAt: new Date(at.getTime() + 60 * 60 * 1000).toISOString(),
    };
    const waiting = outcome === 'NO_RECORD';
    return {
      ...current,
      renewal: {
        ...renewal,
        ...(waiting
          ? { status: 'PENDING_VALIDATION' as const, statusReason: 'PENDING_DOMAIN_VALIDATION' }
          : {}),
        domainValidations: current.domainValidations.map((dv) => ({
          ...dv,
          status: waiting ? ('PENDING_VALIDATION' as const) : ('SUCCESS' as const),
          lastCheck,
        })),
      },
    };
  });
}

/** The UTC days (YYYY-MM-DD) from `first` to `last`, both included. */
export function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(first); at <= Date.parse(last); at += DAY_MS) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}
