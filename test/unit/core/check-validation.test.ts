import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { requestCertificate } from '../../../functions/core/certificates/request-certificate.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { checkValidation } from '../../../functions/core/validation/check-validation.ts';
import { pollDelaySeconds } from '../../../functions/core/validation/poll-schedule.ts';
import { FakeClock, HOUR_MS } from '../../support/fake-clock.ts';
import {
  ACCOUNT,
  lookup,
  requestCertificateDeps,
  ScriptedResolver,
  SequentialRandom,
  storedCertificate,
  TEST_SETTINGS,
  useDynaliteStore,
} from './core-fixtures.ts';

const START = new Date('2026-03-01T12:00:00.000Z');
const SCHEDULE = TEST_SETTINGS.pollSchedule;
const WINDOW_MS = TEST_SETTINGS.validationTimeoutHours * HOUR_MS;

const dynamo = useDynaliteStore();
const random = new SequentialRandom('00000000-0000-4000-8000-');

let clock: FakeClock;
let dns: ScriptedResolver;

beforeEach(() => {
  clock = new FakeClock(START);
  dns = new ScriptedResolver();
});

function deps(overrides: { clock?: FakeClock } = {}) {
  return {
    store: dynamo.store,
    resolver: dns,
    clock: overrides.clock ?? clock,
    pollSchedule: SCHEDULE,
    caaIdentities: TEST_SETTINGS.caaIdentities,
  };
}

async function request(domainName: string, subjectAlternativeNames?: string[]): Promise<CertificateRecord> {
  const arn = await requestCertificate(requestCertificateDeps(dynamo.store, clock, { random }), ACCOUNT, {
    domainName,
    subjectAlternativeNames,
    keyAlgorithm: 'RSA_2048',
    validationMethod: 'DNS',
    tags: [],
    options: { certificateTransparencyLoggingPreference: 'ENABLED', export: 'DISABLED' },
  });
  return stored(arn);
}

function stored(arn: string): Promise<CertificateRecord> {
  return storedCertificate(dynamo.store, arn);
}

function recordOf(certificate: CertificateRecord, domainName: string) {
  const record = certificate.domainValidations.find((dv) => dv.domainName === domainName)?.resourceRecord;
  if (!record) throw new Error(`${domainName} has no resource record`);
  return record;
}

/** Publishes the right CNAME for `domainName` in the scripted DNS. */
function publishCname(certificate: CertificateRecord, domainName: string) {
  const record = recordOf(certificate, domainName);
  dns.answer('CNAME', record.Name, lookup('FOUND', [record.Value.replace(/\.$/, '')]));
}

function statuses(certificate: CertificateRecord) {
  return Object.fromEntries(certificate.domainValidations.map((dv) => [dv.domainName, dv.status]));
}

describe('checkValidation', () => {
  it('stays PENDING while no record exists and waits as the poll schedule says', async () => {
    const certificate = await request('pending.example.com');
    const first = await checkValidation(deps(), certificate.arn, 0);
    expect(first).toEqual({ outcome: 'PENDING', attempt: 1, waitSeconds: SCHEDULE.initialSeconds });

    for (const previous of [1, 2, 3, 6, 7, 20]) {
      expect(await checkValidation(deps(), certificate.arn, previous)).toEqual({
        outcome: 'PENDING',
        attempt: previous + 1,
        waitSeconds: pollDelaySeconds(previous + 1, SCHEDULE),
      });
    }
    expect((await stored(certificate.arn)).status).toBe('PENDING_VALIDATION');
  });

  it('records what the last check saw on each pending name', async () => {
    const certificate = await request('seen.example.com', ['wrong.example.com']);
    const wrong = recordOf(certificate, 'wrong.example.com');
    dns.answer('CNAME', wrong.Name, lookup('FOUND', ['_nope.acm-validations.certwright.test']));
    clock.advance(90_000);

    const { waitSeconds } = await checkValidation(deps(), certificate.arn, 0);
    const after = await stored(certificate.arn);
    const at = clock.now().toISOString();
    const nextCheckAt = new Date(clock.now().getTime() + waitSeconds * 1000).toISOString();
    const server = '192.0.2.53:53';
    expect(after.domainValidations.map((dv) => [dv.domainName, dv.status, dv.lastCheck])).toEqual([
      ['seen.example.com', 'PENDING_VALIDATION', { at, outcome: 'NXDOMAIN', server, nextCheckAt }],
      [
        'wrong.example.com',
        'PENDING_VALIDATION',
        {
          at,
          outcome: 'CNAME_MISMATCH',
          detail: '_nope.acm-validations.certwright.test',
          found: ['_nope.acm-validations.certwright.test'],
          server,
          nextCheckAt,
        },
      ],
    ]);
    expect(after.version).toBe(certificate.version + 1);
  });

  it('tells each waiting name when the schedule checks next; a once check leaves that time as it was', async () => {
    const certificate = await request('next.example.com');
    const record = recordOf(certificate, 'next.example.com');
    const first = await checkValidation(deps(), certificate.arn, 2);
    const planned = new Date(clock.now().getTime() + first.waitSeconds * 1000).toISOString();
    expect(first.waitSeconds).toBe(pollDelaySeconds(3, SCHEDULE));
    expect((await stored(certificate.arn)).domainValidations[0]?.lastCheck?.nextCheckAt).toBe(planned);

    dns.answer('CNAME', record.Name, lookup('FOUND', ['elsewhere.example.net']));
    clock.advance(2_000);
    expect(await checkValidation(deps(), certificate.arn, 0, { once: true })).toMatchObject({
      outcome: 'PENDING',
    });
    expect((await stored(certificate.arn)).domainValidations[0]?.lastCheck).toMatchObject({
      at: clock.now().toISOString(),
      outcome: 'CNAME_MISMATCH',
      found: ['elsewhere.example.net'],
      nextCheckAt: planned,
    });

    publishCname(certificate, 'next.example.com');
    expect(await checkValidation(deps(), certificate.arn, 0, { once: true })).toMatchObject({
      outcome: 'VALIDATED',
    });
    expect((await stored(certificate.arn)).domainValidations[0]?.lastCheck).not.toHaveProperty('nextCheckAt');
  });

  it('tells a proven name whose CAA lookup failed when the next check runs', async () => {
    const certificate = await request('caa-wait.example.com');
    publishCname(certificate, 'caa-wait.example.com');
    dns.answer('CAA', 'caa-wait.example.com', lookup('SERVFAIL'));
    const result = await checkValidation(deps(), certificate.arn, 0);
    expect(result).toMatchObject({ outcome: 'PENDING', waitSeconds: SCHEDULE.initialSeconds });
    const dv = (await stored(certificate.arn)).domainValidations[0];
    expect(dv?.status).toBe('SUCCESS');
    expect(dv?.lastCheck).toMatchObject({
      at: clock.now().toISOString(),
      outcome: 'CAA_LOOKUP_FAILED',
      nextCheckAt: new Date(clock.now().getTime() + SCHEDULE.initialSeconds * 1000).toISOString(),
    });
  });

  it('keeps checking through resolver errors, recording them', async () => {
    const certificate = await request('servfail.example.com');
    dns.answer('CNAME', recordOf(certificate, 'servfail.example.com').Name, lookup('SERVFAIL'));
    expect(await checkValidation(deps(), certificate.arn, 0)).toMatchObject({ outcome: 'PENDING' });
    const dv = (await stored(certificate.arn)).domainValidations[0];
    expect(dv?.status).toBe('PENDING_VALIDATION');
    expect(dv?.lastCheck).toEqual({
      at: clock.now().toISOString(),
      outcome: 'RESOLVER_ERROR',
      detail: 'SERVFAIL from 192.0.2.53:53',
      server: '192.0.2.53:53',
      nextCheckAt: new Date(clock.now().getTime() + SCHEDULE.initialSeconds * 1000).toISOString(),
    });
  });

  it('is VALIDATED once every name proves control, and leaves the status for issuance', async () => {
    const certificate = await request('all.example.com', ['www.all.example.com']);
    publishCname(certificate, 'all.example.com');
    publishCname(certificate, 'www.all.example.com');

    expect(await checkValidation(deps(), certificate.arn, 4)).toEqual({
      outcome: 'VALIDATED',
      attempt: 5,
      waitSeconds: 0,
    });
    const after = await stored(certificate.arn);
    expect(after.status).toBe('PENDING_VALIDATION');
    expect(statuses(after)).toEqual({ 'all.example.com': 'SUCCESS', 'www.all.example.com': 'SUCCESS' });
    expect(after.domainValidations.map((dv) => dv.lastCheck?.outcome)).toEqual([
      'CNAME_MATCH',
      'CNAME_MATCH',
    ]);
  });

  it('accepts a TXT record in place of the CNAME', async () => {
    const certificate = await request('txt.example.com');
    const record = recordOf(certificate, 'txt.example.com');
    dns
      .answer('CNAME', record.Name, lookup('NODATA'))
      .answer('TXT', record.Name, lookup('FOUND', [record.Value]));
    expect(await checkValidation(deps(), certificate.arn, 0)).toMatchObject({ outcome: 'VALIDATED' });
    expect((await stored(certificate.arn)).domainValidations[0]?.lastCheck?.outcome).toBe('TXT_MATCH');
  });

  it('validates a wildcard and its base name with the one record they share', async () => {
    const certificate = await request('shared.example.com', ['*.shared.example.com']);
    expect(recordOf(certificate, '*.shared.example.com')).toEqual(
      recordOf(certificate, 'shared.example.com'),
    );
    publishCname(certificate, 'shared.example.com');
    expect(await checkValidation(deps(), certificate.arn, 0)).toMatchObject({ outcome: 'VALIDATED' });
  });

  it('moves each name to SUCCESS on its own and stops checking names already proven', async () => {
    const certificate = await request('first.example.com', ['second.example.com']);
    publishCname(certificate, 'first.example.com');

    expect(await checkValidation(deps(), certificate.arn, 0)).toMatchObject({
      outcome: 'PENDING',
      attempt: 1,
    });
    const halfway = await stored(certificate.arn);
    expect(statuses(halfway)).toEqual({
      'first.example.com': 'SUCCESS',
      'second.example.com': 'PENDING_VALIDATION',
    });
    const firstCheck = halfway.domainValidations[0]?.lastCheck;
    expect(firstCheck).toEqual({
      at: clock.now().toISOString(),
      outcome: 'CNAME_MATCH',
      server: '192.0.2.53:53',
    });

    // The first record disappears and the second appears: the first name stays validated.
    const firstRecord = recordOf(certificate, 'first.example.com');
    dns.forget('CNAME', firstRecord.Name);
    publishCname(certificate, 'second.example.com');
    dns.queries.length = 0;
    clock.advance(5_000);

    expect(await checkValidation(deps(), certificate.arn, 1)).toMatchObject({
      outcome: 'VALIDATED',
      attempt: 2,
    });
    const done = await stored(certificate.arn);
    expect(statuses(done)).toEqual({ 'first.example.com': 'SUCCESS', 'second.example.com': 'SUCCESS' });
    expect(done.domainValidations[0]?.lastCheck).toEqual(firstCheck);
    expect(done.domainValidations[1]?.lastCheck).toEqual({
      at: clock.now().toISOString(),
      outcome: 'CNAME_MATCH',
      server: '192.0.2.53:53',
    });
    expect(dns.queries.map((query) => query.name.replace(/^_[0-9a-f]+\./, ''))).toEqual([
      'second.example.com',
    ]);
  });

  it('keeps a name another writer validated while this check was looking it up', async () => {
    const certificate = await request('raced.example.com', ['other.raced.example.com']);
    const resolver = {
      resolveCname: async (name: string) => {
        if (name.endsWith('.raced.example.com') && !name.includes('other')) {
          // Another run of the check finds the record and saves first.
          const current = await stored(certificate.arn);
          await dynamo.store.save({
            ...current,
            domainValidations: current.domainValidations.map((dv) =>
              dv.domainName === 'raced.example.com' ? { ...dv, status: 'SUCCESS' as const } : dv,
            ),
          });
        }
        return lookup('NXDOMAIN');
      },
      resolveTxt: async () => lookup('NXDOMAIN'),
      resolveCaa: async () => lookup('NXDOMAIN'),
    };
    const result = await checkValidation({ ...deps(), resolver }, certificate.arn, 0);
    expect(result).toMatchObject({ outcome: 'PENDING' });
    const after = await stored(certificate.arn);
    expect(statuses(after)).toEqual({
      'raced.example.com': 'SUCCESS',
      'other.raced.example.com': 'PENDING_VALIDATION',
    });
    expect(after.domainValidations[1]?.lastCheck?.outcome).toBe('NXDOMAIN');
  });

  it('STOPS when the certificate is deleted while its records are being looked up', async () => {
    const certificate = await request('vanishing.example.com');
    const resolver = {
      resolveCname: async () => {
        await dynamo.store.delete(ACCOUNT, certificate.id);
        return lookup('FOUND', [recordOf(certificate, 'vanishing.example.com').Value]);
      },
      resolveTxt: async () => lookup('NXDOMAIN'),
      resolveCaa: async () => lookup('NXDOMAIN'),
    };
    expect(await checkValidation({ ...deps(), resolver }, certificate.arn, 0)).toEqual({
      outcome: 'STOPPED',
      attempt: 1,
      waitSeconds: 0,
    });
    expect(await dynamo.store.get(ACCOUNT, certificate.id)).toBeUndefined();
  });

  it('never waits past the deadline (beyond the whole second the Wait state needs)', async () => {
    const certificate = await request('deadline.example.com');
    const deadline = Date.parse(certificate.validationDeadline);
    expect(deadline - Date.parse(certificate.createdAt)).toBe(WINDOW_MS);

    const nearDeadline = new FakeClock(new Date(deadline - 3_000));
    expect(await checkValidation(deps({ clock: nearDeadline }), certificate.arn, 10)).toEqual({
      outcome: 'PENDING',
      attempt: 11,
      waitSeconds: 3,
    });
    const lastMillisecond = new FakeClock(new Date(deadline - 1));
    expect(await checkValidation(deps({ clock: lastMillisecond }), certificate.arn, 10)).toMatchObject({
      outcome: 'PENDING',
      waitSeconds: 1,
    });

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: WINDOW_MS }),
        fc.integer({ min: 0, max: 40 }),
        async (remainingMs, previous) => {
          const at = new FakeClock(new Date(deadline - remainingMs));
          const result = await checkValidation(deps({ clock: at }), certificate.arn, previous);
          const scheduled = pollDelaySeconds(previous + 1, SCHEDULE);
          expect(result.outcome).toBe('PENDING');
          expect(Number.isInteger(result.waitSeconds)).toBe(true);
          expect(result.waitSeconds).toBeGreaterThanOrEqual(1);
          expect(result.waitSeconds).toBeLessThanOrEqual(scheduled);
          const nextCheck = at.now().getTime() + result.waitSeconds * 1000;
          // Either the schedule's wait, or up to the first whole second at or after the deadline.
          if (result.waitSeconds < scheduled) {
            expect(nextCheck).toBeGreaterThanOrEqual(deadline);
          }
          expect(nextCheck).toBeLessThan(deadline + 1000);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('times out at the deadline a certificate still unproven, and marks it VALIDATION_TIMED_OUT', async () => {
    const certificate = await request('late.example.com');
    const deadline = Date.parse(certificate.validationDeadline);

    clock.advance(deadline - clock.now().getTime() - 1);
    expect(await checkValidation(deps(), certificate.arn, 30)).toMatchObject({
      outcome: 'PENDING',
      waitSeconds: 1,
    });

    clock.advance(1);
    expect(clock.now().getTime()).toBe(deadline);
    expect(await checkValidation(deps(), certificate.arn, 31)).toEqual({
      outcome: 'TIMED_OUT',
      attempt: 32,
      waitSeconds: 0,
    });
    const after = await stored(certificate.arn);
    expect(after.status).toBe('VALIDATION_TIMED_OUT');
    expect(after.issued).toBeUndefined();

    // A later round (a restarted workflow) just stops.
    clock.advance(HOUR_MS);
    expect(await checkValidation(deps(), certificate.arn, 32)).toEqual({
      outcome: 'STOPPED',
      attempt: 33,
      waitSeconds: 0,
    });
    expect((await stored(certificate.arn)).status).toBe('VALIDATION_TIMED_OUT');
  });

  it('counts a record published during the last wait at the check that falls on the deadline', async () => {
    const certificate = await request('just-in-time.example.com');
    const deadline = Date.parse(certificate.validationDeadline);
    clock.advance(deadline - clock.now().getTime() - 1);
    expect(await checkValidation(deps(), certificate.arn, 30)).toMatchObject({ outcome: 'PENDING' });

    publishCname(certificate, 'just-in-time.example.com');
    clock.advance(1);
    expect(await checkValidation(deps(), certificate.arn, 31)).toMatchObject({ outcome: 'VALIDATED' });
    expect((await stored(certificate.arn)).status).toBe('PENDING_VALIDATION');
  });

  it('times out a check that runs long after the deadline, without looking at DNS', async () => {
    const certificate = await request('much-later.example.com');
    publishCname(certificate, 'much-later.example.com');
    dns.queries.length = 0;
    clock.advance(WINDOW_MS * 3);
    expect(await checkValidation(deps(), certificate.arn, 0)).toMatchObject({ outcome: 'TIMED_OUT' });
    expect(dns.queries).toEqual([]);
    expect((await stored(certificate.arn)).status).toBe('VALIDATION_TIMED_OUT');
  });

  it('STOPS for a deleted certificate', async () => {
    const certificate = await request('deleted.example.com');
    await dynamo.store.delete(ACCOUNT, certificate.id);
    expect(await checkValidation(deps(), certificate.arn, 2)).toEqual({
      outcome: 'STOPPED',
      attempt: 3,
      waitSeconds: 0,
    });
    expect(dns.queries).toEqual([]);
    expect(await dynamo.store.get(ACCOUNT, certificate.id)).toBeUndefined();
  });

  it('STOPS for a certificate that is already ISSUED or FAILED, and leaves it alone', async () => {
    for (const status of ['ISSUED', 'FAILED'] as const) {
      const certificate = await request(`${status.toLowerCase()}.example.com`);
      const changed = await dynamo.store.save({ ...certificate, status });
      expect(await checkValidation(deps(), certificate.arn, 0)).toEqual({
        outcome: 'STOPPED',
        attempt: 1,
        waitSeconds: 0,
      });
      expect(await stored(certificate.arn)).toEqual(changed);
    }
    expect(dns.queries).toEqual([]);
  });

  it('STOPS after the deadline for a certificate that is no longer pending, without changing it', async () => {
    const certificate = await request('issued-then-late.example.com');
    const issued = await dynamo.store.save({ ...certificate, status: 'ISSUED' });
    clock.advance(WINDOW_MS + HOUR_MS);
    expect(await checkValidation(deps(), certificate.arn, 0)).toMatchObject({ outcome: 'STOPPED' });
    expect(await stored(certificate.arn)).toEqual(issued);
  });
});
