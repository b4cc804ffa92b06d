/**
 * EMAIL validation end to end through the use cases, on the real DynamoDB store (dynalite) with a recording
 * Mailer: the workflow's first step mails the links, the approval desk answers and approves them, the check
 * step sees the approvals, and ResendValidationEmail replaces a link.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { approvalTokenHash } from '../../../functions/core/approvals/approval-token.ts';
import { approverAddresses } from '../../../functions/core/approvals/approver-addresses.ts';
import type { ResendValidationEmailRequest } from '../../../functions/core/approvals/resend-validation-email.ts';
import { parseCertificateArn } from '../../../functions/core/arn.ts';
import { updateCertificate } from '../../../functions/core/certificates/update-certificate.ts';
import {
  InvalidDomainValidationOptionsError,
  InvalidStateError,
  ResourceNotFoundError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { pollDelaySeconds } from '../../../functions/core/validation/poll-schedule.ts';
import { HOUR_MS } from '../../support/fake-clock.ts';
import { accountSeries, REGION, TEST_SETTINGS, useDynaliteStore } from './core-fixtures.ts';
import { RecordingZones, tokenIn, validationSteps } from './email-fixtures.ts';

const START = new Date('2026-03-01T12:00:00.000Z');
const WINDOW_MS = TEST_SETTINGS.validationTimeoutHours * HOUR_MS;
const LOCAL_ZONE = 'certwright.internal';

const dynamo = useDynaliteStore();

const nextAccount = accountSeries(200_000_000_000, '1111');

/** Every test gets its own account and clock; names in the local zone get their records "written". */
function setup() {
  const zones = new RecordingZones([LOCAL_ZONE]);
  return {
    ...validationSteps(dynamo.store, nextAccount(), START, { validationMethod: 'EMAIL', zoneWriter: zones }),
    zones,
  };
}

/** Requests an EMAIL certificate and runs the workflow's first step on it. */
async function requestedAndMailed(t: ReturnType<typeof setup>, domainName: string, sans?: string[]) {
  const arn = await t.request(domainName, { subjectAlternativeNames: sans });
  await t.publish(arn);
  return arn;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

const USED = { ok: false, problem: 'USED' };
const EXPIRED = { ok: false, problem: 'EXPIRED' };
const UNKNOWN = { ok: false, problem: 'UNKNOWN' };

describe('sending the approval mail (the workflow step)', () => {
  it('mails five messages per domain, one approver address each, all with the same working link', async () => {
    const t = setup();
    const arn = await t.request('www.example.com', { subjectAlternativeNames: ['shop.example.org'] });
    expect(await t.publish(arn)).toEqual({ published: [], mailed: ['www.example.com', 'shop.example.org'] });

    expect(t.mailer.sent).toHaveLength(10);
    for (const domain of ['www.example.com', 'shop.example.org']) {
      const messages = t.mailer.about(domain);
      expect(messages.map((message) => message.to)).toEqual(approverAddresses(domain).map((to) => [to]));
      expect(new Set(messages.map(tokenIn)).size).toBe(1);
    }
    const token = tokenIn(t.mailer.about('www.example.com')[0]);
    expect(tokenIn(t.mailer.about('shop.example.org')[0])).not.toBe(token);
    expect(t.mailer.sent[0]?.text).toContain(`${TEST_SETTINGS.approvalBaseUrl}/approvals/${token}`);

    const certificate = await t.stored(arn);
    expect(await t.desk.describe(token)).toEqual({
      ok: true,
      request: {
        domainName: 'www.example.com',
        validationDomain: 'example.com',
        certificateArn: arn,
        accountId: t.accountId,
        region: REGION,
        expiresAt: certificate.validationDeadline,
      },
    });
    expect(certificate.domainValidations[0]?.approval).toEqual({
      tokenHash: approvalTokenHash(token),
      sentAt: START.toISOString(),
    });
  });

  it('stores only the hash of a token, never the token itself', async () => {
    const t = setup();
    await requestedAndMailed(t, 'secret.example.com');
    const token = tokenIn(t.mailer.sent[0]);
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: 'certwright-core-test' }));
    const table = JSON.stringify(Items);
    expect(table).toContain(approvalTokenHash(token));
    expect(table).not.toContain(token);
  });

  it('mails nothing again for a domain that has a link (a rerun of the workflow)', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'rerun.example.com');
    expect(await t.publish(arn)).toEqual({ published: [], mailed: [] });
    expect(t.mailer.sent).toHaveLength(5);
  });

  it('after a send failed half way, a retry mails a new link, which works; the first one is USED', async () => {
    const t = setup();
    const arn = await t.request('whole.example.com', { subjectAlternativeNames: ['half.example.com'] });
    t.mailer.failAfter(7);
    await expect(t.publish(arn)).rejects.toThrow('the mail service is unavailable');
    expect(t.mailer.sent).toHaveLength(7);
    const [whole, half] = (await t.stored(arn)).domainValidations;
    expect(whole?.approval).toBeDefined();
    expect(half?.approval).toBeUndefined();

    expect(await t.publish(arn)).toEqual({ published: [], mailed: ['half.example.com'] });
    expect(t.mailer.about('whole.example.com')).toHaveLength(5);
    const messages = t.mailer.about('half.example.com');
    expect(messages.map((message) => message.to[0])).toEqual([
      ...approverAddresses('half.example.com').slice(0, 2),
      ...approverAddresses('half.example.com'),
    ]);
    const [interrupted, retried] = [tokenIn(messages[0]), tokenIn(messages[2])];
    expect(new Set(messages.slice(2).map(tokenIn))).toEqual(new Set([retried]));
    expect(interrupted).not.toBe(retried);
    expect(await t.desk.describe(interrupted)).toEqual(USED);
    expect((await t.desk.approve(retried)).ok).toBe(true);
    expect((await t.desk.approve(tokenIn(t.mailer.about('whole.example.com')[0]))).ok).toBe(true);
    expect((await t.check(arn)).outcome).toBe('VALIDATED');
  });

  it('mails nothing after the validation deadline', async () => {
    const t = setup();
    const arn = await t.request('late.example.com');
    t.clock.advance(WINDOW_MS);
    expect(await t.publish(arn)).toEqual({ published: [], mailed: [] });
    expect(t.mailer.sent).toEqual([]);
  });

  it('writes no DNS record for an EMAIL certificate, also inside a local zone', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, `app.${LOCAL_ZONE}`, [`*.app.${LOCAL_ZONE}`]);
    expect(t.zones.written).toEqual([]);
    expect((await t.stored(arn)).domainValidations.map((dv) => dv.resourceRecord)).toEqual([
      undefined,
      undefined,
    ]);
    expect(t.mailer.sent).toHaveLength(10);

    const dns = await t.request(`dns.${LOCAL_ZONE}`, { validationMethod: 'DNS' });
    expect((await t.publish(dns)).published).toHaveLength(1);
    expect(t.zones.written).toHaveLength(1);
    expect(t.mailer.sent).toHaveLength(10);
  });
});

describe('the approval desk', () => {
  it('describes without changing anything, then approves once: the domain is SUCCESS and the link USED', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'once.example.com');
    const token = tokenIn(t.mailer.sent[0]);
    const before = await t.stored(arn);
    await t.desk.describe(token);
    expect((await t.stored(arn)).version).toBe(before.version);

    const approved = await t.desk.approve(token);
    expect(approved).toEqual(await describeOf(before, token));
    const [dv] = (await t.stored(arn)).domainValidations;
    expect(dv?.status).toBe('SUCCESS');
    expect(dv?.approval).toBeUndefined();
    expect(await t.desk.approve(token)).toEqual(USED);
    expect(await t.desk.describe(token)).toEqual(USED);
  });

  it('lets exactly one of several concurrent approvals of a link win', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'race.example.com');
    const token = tokenIn(t.mailer.sent[0]);
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.desk.approve(token)));
    expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
    expect(answers.filter((answer) => !answer.ok)).toEqual(Array(4).fill(USED));
    expect((await t.stored(arn)).domainValidations[0]?.status).toBe('SUCCESS');
  });

  it('answers UNKNOWN for a token never issued, a malformed one, or one whose certificate is gone', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'gone.example.com');
    const never = Buffer.alloc(32, 7).toString('base64url');
    for (const token of [never, 'not-a-token', '', `${tokenIn(t.mailer.sent[0])}x`]) {
      expect(await t.desk.describe(token)).toEqual(UNKNOWN);
      expect(await t.desk.approve(token)).toEqual(UNKNOWN);
    }
    await dynamo.store.delete(t.accountId, parseCertificateArn(arn).certificateId);
    expect(await t.desk.describe(tokenIn(t.mailer.sent[0]))).toEqual(UNKNOWN);
    expect(await t.desk.approve(tokenIn(t.mailer.sent[0]))).toEqual(UNKNOWN);
  });

  it('works until the deadline; after it answers EXPIRED, changes nothing, and the certificate times out', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'expire.example.com');
    const token = tokenIn(t.mailer.sent[0]);
    t.clock.advance(WINDOW_MS - 1);
    expect((await t.desk.describe(token)).ok).toBe(true);
    t.clock.advance(1);
    const before = await t.stored(arn);
    expect(await t.desk.describe(token)).toEqual(EXPIRED);
    expect(await t.desk.approve(token)).toEqual(EXPIRED);
    expect(await t.stored(arn)).toEqual(before);

    expect(await t.check(arn, 30)).toEqual({ outcome: 'TIMED_OUT', attempt: 31, waitSeconds: 0 });
    expect((await t.stored(arn)).status).toBe('VALIDATION_TIMED_OUT');
    expect(await t.desk.approve(token)).toEqual(EXPIRED);
  });

  it('answers EXPIRED for a certificate that stopped waiting, USED for a domain approved before that', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'a.example.com', ['b.example.com']);
    const [a, b] = ['a.example.com', 'b.example.com'].map((domain) => tokenIn(t.mailer.about(domain)[0]));
    expect((await t.desk.approve(a as string)).ok).toBe(true);
    const { accountId, certificateId } = parseCertificateArn(arn);
    await updateCertificate(dynamo.store, accountId, certificateId, (current) => ({
      ...current,
      status: 'FAILED',
    }));
    expect(await t.desk.describe(a as string)).toEqual(USED);
    expect(await t.desk.describe(b as string)).toEqual(EXPIRED);
    expect(await t.desk.approve(b as string)).toEqual(EXPIRED);
  });
});

describe('checking an EMAIL certificate', () => {
  it('stays PENDING with the poll backoff until every domain is approved, without DNS or writes', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'wait.example.com', ['www.wait.example.com']);
    const version = (await t.stored(arn)).version;
    expect(await t.check(arn)).toEqual({
      outcome: 'PENDING',
      attempt: 1,
      waitSeconds: pollDelaySeconds(1, TEST_SETTINGS.pollSchedule),
    });
    expect(await t.check(arn, 6)).toEqual({
      outcome: 'PENDING',
      attempt: 7,
      waitSeconds: pollDelaySeconds(7, TEST_SETTINGS.pollSchedule),
    });
    expect((await t.stored(arn)).version).toBe(version);

    await t.desk.approve(tokenIn(t.mailer.about('wait.example.com')[0]));
    expect((await t.check(arn, 7)).outcome).toBe('PENDING');
    await t.desk.approve(tokenIn(t.mailer.about('www.wait.example.com')[0]));
    expect(await t.check(arn, 8)).toEqual({ outcome: 'VALIDATED', attempt: 9, waitSeconds: 0 });
    expect(t.resolver.queries).toEqual([]);
  });
});

describe('ResendValidationEmail', () => {
  it('mails a new link that replaces the current one: the old link answers USED, the new one approves', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'www.resend.example.com');
    const old = tokenIn(t.mailer.sent[0]);
    await t.resend({
      certificateArn: arn,
      domain: 'www.resend.example.com',
      validationDomain: 'www.resend.example.com',
    });
    expect(t.mailer.sent).toHaveLength(10);
    const fresh = tokenIn(t.mailer.sent[5]);
    expect(fresh).not.toBe(old);
    expect(t.mailer.sent.slice(5).map((message) => message.to[0])).toEqual(
      approverAddresses('www.resend.example.com'),
    );
    expect(await t.desk.describe(old)).toEqual(USED);
    expect(await t.desk.approve(old)).toEqual(USED);
    expect((await t.desk.approve(fresh)).ok).toBe(true);
    expect((await t.check(arn)).outcome).toBe('VALIDATED');
  });

  it("takes the approver addresses' domain as ValidationDomain too, and any letter case", async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'www.case.example.com');
    await t.resend({
      certificateArn: arn,
      domain: 'WWW.case.example.com',
      validationDomain: 'Case.Example.com',
    });
    expect(t.mailer.sent).toHaveLength(10);
    expect((await t.desk.describe(tokenIn(t.mailer.sent[9]))).ok).toBe(true);
  });

  it('refuses what it cannot do, mailing nothing', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'refuse.example.com', ['done.refuse.example.com']);
    await t.desk.approve(tokenIn(t.mailer.about('done.refuse.example.com')[0]));
    const dns = await t.request('dns.refuse.example.com', { validationMethod: 'DNS' });
    const missing = arn.replace(/.{12}$/, 'ffffffffffff');
    const otherAccount = arn.replace(t.accountId, '999999999999');
    const sent = t.mailer.sent.length;
    const cases: Array<[ResendValidationEmailRequest, new (...args: never[]) => Error, string]> = [
      [
        { certificateArn: missing, domain: 'refuse.example.com', validationDomain: 'refuse.example.com' },
        ResourceNotFoundError,
        `Could not find certificate ${missing}.`,
      ],
      [
        {
          certificateArn: otherAccount,
          domain: 'refuse.example.com',
          validationDomain: 'refuse.example.com',
        },
        ResourceNotFoundError,
        `Could not find certificate ${otherAccount}.`,
      ],
      [
        { certificateArn: dns, domain: 'dns.refuse.example.com', validationDomain: 'dns.refuse.example.com' },
        InvalidStateError,
        `Certificate ${dns} is validated by DNS: there is no validation email to resend.`,
      ],
      [
        { certificateArn: arn, domain: 'other.example.com', validationDomain: 'example.com' },
        InvalidDomainValidationOptionsError,
        `Domain other.example.com is not one of the domain names of certificate ${arn}.`,
      ],
      [
        { certificateArn: arn, domain: 'refuse.example.com', validationDomain: 'example.com' },
        InvalidDomainValidationOptionsError,
        'ValidationDomain example.com is not the validation domain of refuse.example.com (refuse.example.com).',
      ],
      [
        {
          certificateArn: arn,
          domain: 'done.refuse.example.com',
          validationDomain: 'done.refuse.example.com',
        },
        InvalidStateError,
        `Domain done.refuse.example.com of certificate ${arn} is already validated.`,
      ],
      [
        { certificateArn: arn, domain: 'refuse.example.com.', validationDomain: 'refuse.example.com' },
        ValidationError,
        "1 validation error detected: Value 'refuse.example.com.' at 'domain' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: ' +
          '(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])',
      ],
    ];
    for (const [input, type, message] of cases) {
      const error = await rejection(t.resend(input));
      expect(error, message).toBeInstanceOf(type);
      expect(error.message).toBe(message);
    }
    expect(t.mailer.sent).toHaveLength(sent);
  });

  it('refuses once the validation window has closed, and for a certificate no longer pending', async () => {
    const t = setup();
    const arn = await requestedAndMailed(t, 'closed.example.com');
    const input = {
      certificateArn: arn,
      domain: 'closed.example.com',
      validationDomain: 'closed.example.com',
    };
    t.clock.advance(WINDOW_MS);
    const late = await rejection(t.resend(input));
    expect(late).toBeInstanceOf(InvalidStateError);
    expect(late.message).toBe(
      `The validation window of certificate ${arn} has closed: request a new certificate.`,
    );
    await t.check(arn);
    const timedOut = await rejection(t.resend(input));
    expect(timedOut).toBeInstanceOf(InvalidStateError);
    expect(timedOut.message).toBe(
      `Certificate ${arn} is VALIDATION_TIMED_OUT: validation email can be resent only while it is PENDING_VALIDATION.`,
    );
    expect(t.mailer.sent).toHaveLength(5);
  });
});

/** What describe answered for `token` on the certificate as it was. */
async function describeOf(certificate: CertificateRecord, token: string) {
  const dv = certificate.domainValidations.find(
    (candidate) => candidate.approval?.tokenHash === approvalTokenHash(token),
  );
  return {
    ok: true,
    request: {
      domainName: dv?.domainName,
      validationDomain: dv?.domainName,
      certificateArn: certificate.arn,
      accountId: certificate.accountId,
      region: REGION,
      expiresAt: certificate.validationDeadline,
    },
  };
}
