/** The schedule's plan as pure functions: when renewal starts, what is due, when the next visit is; the mail. */
import { describe, expect, it } from 'vitest';
import type { CertificateRecord, IssuedCertificate } from '../../../../functions/core/model.ts';
import {
  actionRequiredDue,
  nextVisit,
  renewalStartsAt,
  renewalStep,
} from '../../../../functions/core/schedule/expiry-plan.ts';
import { renewalNoticeMail } from '../../../../functions/core/schedule/renewal-notice-mail.ts';
import { DAY_MS, issuedCertificate, NOT_AFTER, RENEWAL_SETTINGS } from './schedule-fixtures.ts';

const issued = issuedCertificate().issued as IssuedCertificate;
const notAfter = Date.parse(NOT_AFTER);
const daysBefore = (days: number) => new Date(notAfter - days * DAY_MS);

describe('renewalStartsAt', () => {
  it('is windowDays before NotAfter', () => {
    expect(new Date(renewalStartsAt(issued, 60)).toISOString()).toBe('2027-01-31T07:15:41.000Z');
  });

  it('is never in the first half of the validity, so a body shorter than the window is not renewed at once', () => {
    const short = { ...issued, notBefore: '2027-03-02T07:15:41.000Z' };
    expect(new Date(renewalStartsAt(short, 60)).toISOString()).toBe('2027-03-17T07:15:41.000Z');
  });
});

describe('renewalStep', () => {
  const stuck = (status: 'PENDING_VALIDATION' | 'FAILED', updatedAt: string): CertificateRecord =>
    issuedCertificate({ renewal: { status, updatedAt, cycle: 1 } });

  it('starts an eligible certificate in the window, resumes one under way, and leaves the rest', () => {
    expect(renewalStep(issuedCertificate(), daysBefore(61), RENEWAL_SETTINGS)).toBeUndefined();
    expect(renewalStep(issuedCertificate(), daysBefore(60), RENEWAL_SETTINGS)).toBe('START');
    expect(renewalStep(issuedCertificate({ inUseBy: [] }), daysBefore(30), RENEWAL_SETTINGS)).toBeUndefined();
    expect(renewalStep(stuck('PENDING_VALIDATION', NOT_AFTER), daysBefore(30), RENEWAL_SETTINGS)).toBe(
      'RESUME',
    );
    expect(
      renewalStep(issuedCertificate({ type: 'IMPORTED' }), daysBefore(30), RENEWAL_SETTINGS),
    ).toBeUndefined();
  });

  it('tries a failed renewal again on the next UTC day, so a daily run retries a failure of the run before', () => {
    // Failed five minutes after a daily run that started it: the next day's run, 23 h 55 min later, retries.
    const failed = stuck('FAILED', '2027-02-14T09:05:00.000Z');
    expect(renewalStep(failed, new Date('2027-02-14T23:59:59.999Z'), RENEWAL_SETTINGS)).toBeUndefined();
    expect(renewalStep(failed, new Date('2027-02-15T09:00:00.000Z'), RENEWAL_SETTINGS)).toBe('START');
    // Never on the day it failed, however late.
    const early = stuck('FAILED', '2027-02-15T00:10:00.000Z');
    expect(renewalStep(early, new Date('2027-02-15T23:50:00.000Z'), RENEWAL_SETTINGS)).toBeUndefined();
    expect(renewalStep(early, new Date('2027-02-16T00:00:00.000Z'), RENEWAL_SETTINGS)).toBe('START');
  });
});

describe('renewalStep for a stalled renewal', () => {
  const stalled = (overrides: Partial<CertificateRecord> = {}) =>
    issuedCertificate({
      renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: daysBefore(40).toISOString(), cycle: 1 },
      ...overrides,
    });

  it('starts a new cycle when one may start, and only resumes the stalled run otherwise', () => {
    expect(renewalStep(stalled(), daysBefore(38), RENEWAL_SETTINGS)).toBe('START');
    expect(renewalStep(stalled({ inUseBy: [] }), daysBefore(38), RENEWAL_SETTINGS)).toBe('RESUME');
    expect(renewalStep(stalled(), daysBefore(38), { ...RENEWAL_SETTINGS, windowDays: 30 })).toBe('RESUME');
  });
});

describe('actionRequiredDue', () => {
  it('answers every threshold reached and not sent while the renewal needs action', () => {
    const certificate = issuedCertificate({
      renewal: { status: 'PENDING_VALIDATION', updatedAt: NOT_AFTER, cycle: 1 },
      expiryNotices: { actionRequiredSent: [45] },
    });
    expect(actionRequiredDue(certificate, daysBefore(14.5))).toEqual([30, 15]);
    expect(
      actionRequiredDue(
        { ...certificate, renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: NOT_AFTER } },
        daysBefore(14.5),
      ),
    ).toEqual([]);
  });
});

describe('nextVisit', () => {
  it('is the earliest of what falls due, never later than NotAfter', () => {
    const at = daysBefore(100);
    expect(nextVisit(issuedCertificate(), at, 45, RENEWAL_SETTINGS).toISOString()).toBe(
      '2027-01-31T07:15:41.000Z',
    );
    expect(nextVisit(issuedCertificate(), at, 45, undefined).toISOString()).toBe('2027-02-15T07:15:41.000Z');
    expect(
      nextVisit(
        issuedCertificate(),
        new Date('2027-03-31T09:00:00.000Z'),
        45,
        RENEWAL_SETTINGS,
      ).toISOString(),
    ).toBe('2027-04-01T00:00:00.000Z');
    expect(nextVisit(issuedCertificate(), new Date(NOT_AFTER), 45, RENEWAL_SETTINGS).toISOString()).toBe(
      NOT_AFTER,
    );
  });
});

describe('nextVisit while this body’s renewal is under way or failed', () => {
  it('is the next UTC day at the latest, so a failure is retried and a lost run resumed within a day', () => {
    const at = new Date('2027-02-01T09:00:00.000Z');
    for (const status of ['PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION', 'FAILED'] as const) {
      const certificate = issuedCertificate({ renewal: { status, updatedAt: at.toISOString(), cycle: 1 } });
      expect(nextVisit(certificate, at, 45, RENEWAL_SETTINGS).toISOString()).toBe('2027-02-02T00:00:00.000Z');
    }
  });
});

describe('renewalNoticeMail', () => {
  it('says which certificate, when it expires, why, and what to do, with the HTML escaped', () => {
    const certificate = issuedCertificate({
      renewal: {
        status: 'FAILED',
        statusReason: '<CAA_ERROR & more>',
        updatedAt: NOT_AFTER,
        cycle: 1,
        domainValidations: issuedCertificate().domainValidations.map((dv) => ({
          ...dv,
          status: 'PENDING_VALIDATION',
        })),
      },
    });

    const mail = renewalNoticeMail(certificate, ['ops@example.test'], daysBefore(15));

    expect(mail.to).toEqual(['ops@example.test']);
    expect(mail.subject).toBe('Action required: the certificate for www.example.test expires in 15 days');
    expect(mail.text).toContain(certificate.arn);
    expect(mail.text).toContain('Renewal status reason: <CAA_ERROR & more>');
    expect(mail.text).toContain(
      'www.example.test: put the CNAME record _0123456789abcdef0123456789abcdef.example.test.',
    );
    expect(mail.html).toContain('&lt;CAA_ERROR &amp; more&gt;');
    expect(mail.html).not.toContain('<CAA_ERROR');
  });

  it('asks for a CAA record naming this CA, not for the CNAME, for a name whose CAA refused this CA', () => {
    const refusal =
      'CAA at example.test (0 issue "ca.example.net") does not permit certwright for www.example.test';
    const certificate = issuedCertificate({
      renewal: {
        status: 'FAILED',
        statusReason: 'CAA_ERROR',
        updatedAt: NOT_AFTER,
        cycle: 1,
        domainValidations: issuedCertificate().domainValidations.map((dv) => ({
          ...dv,
          status: 'FAILED',
          lastCheck: { at: NOT_AFTER, outcome: 'CAA_FORBIDDEN', detail: refusal },
        })),
      },
    });

    const mail = renewalNoticeMail(certificate, ['ops@example.test'], daysBefore(15));

    expect(mail.text).toContain(
      `- www.example.test: its CAA records do not permit this CA (${refusal}); add a CAA record that names this CA, or remove the one that leaves it out.`,
    );
    expect(mail.text).not.toContain('CNAME');
  });
});
