import { beforeEach, describe, expect, it } from 'vitest';
import { parseCertificateArn } from '../../../functions/core/arn.ts';
import { CaaForbiddenError } from '../../../functions/core/errors.ts';
import type { CertificateRecord, DomainValidation } from '../../../functions/core/model.ts';
import { checkValidation } from '../../../functions/core/validation/check-validation.ts';
import { pollDelaySeconds } from '../../../functions/core/validation/poll-schedule.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import {
  caaLookup,
  lookup,
  pendingCertificate,
  ScriptedResolver,
  TEST_SETTINGS,
  useDynaliteStore,
} from './core-fixtures.ts';

// CAA in the validation check: once every name is proven, CAA decides before the workflow issues.

const START = new Date('2026-03-01T13:00:00.000Z');
const OTHER_CA = { flags: 0, tag: 'issue', value: 'letsencrypt.org' };

const dynamo = useDynaliteStore();

let clock: FakeClock;
let dns: ScriptedResolver;
beforeEach(() => {
  clock = new FakeClock(START);
  dns = new ScriptedResolver();
});

function deps(caaIdentities?: string[]) {
  return {
    store: dynamo.store,
    resolver: dns,
    clock,
    pollSchedule: TEST_SETTINGS.pollSchedule,
    caaIdentities: caaIdentities ?? TEST_SETTINGS.caaIdentities,
  };
}

let counter = 0;

/** A certificate whose names are all proven already (by approval when EMAIL), as the approval desk leaves it. */
async function proven(
  names: string[],
  validationMethod: 'DNS' | 'EMAIL' = 'EMAIL',
): Promise<CertificateRecord> {
  counter += 1;
  const domainValidations: DomainValidation[] = names.map((domainName) => ({
    domainName,
    validationDomain: domainName,
    validationMethod,
    status: 'SUCCESS',
  }));
  const certificate = pendingCertificate({
    id: `caaaaaaa-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`,
    domainName: names[0],
    subjectAlternativeNames: names,
    subject: `CN=${names[0]}`,
    domainValidations,
  });
  await dynamo.store.create(certificate);
  return certificate;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

async function stored(arn: string): Promise<CertificateRecord | undefined> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  return dynamo.store.get(accountId, certificateId);
}

function checks(certificate: CertificateRecord | undefined) {
  return certificate?.domainValidations.map((dv) => [dv.domainName, dv.status, dv.lastCheck]);
}

describe('checkValidation with CAA', () => {
  it('is VALIDATED when no name has CAA records, having checked every name up to its TLD', async () => {
    const certificate = await proven(['shop.example.com', '*.shop.example.com']);
    const before = await stored(certificate.arn);
    expect(await checkValidation(deps(), certificate.arn, 3)).toEqual({
      outcome: 'VALIDATED',
      attempt: 4,
      waitSeconds: 0,
    });
    expect(new Set(dns.caaQueries)).toEqual(new Set(['shop.example.com', 'example.com', 'com']));
    // Nothing to note: the certificate is not written.
    expect(await stored(certificate.arn)).toEqual(before);
  });

  it('fails the certificate with CAA_ERROR when CAA forbids a name, naming it and the record', async () => {
    const certificate = await proven(['www.example.com', 'www.example.org']);
    dns.answer('CAA', 'example.com', caaLookup(OTHER_CA));
    const error = await rejection(checkValidation(deps(), certificate.arn, 0));
    const message =
      'CAA at example.com (0 issue "letsencrypt.org") does not permit certwright for www.example.com';
    expect(error).toBeInstanceOf(CaaForbiddenError);
    expect(error).toMatchObject({ name: 'CaaForbidden', message });

    const after = await stored(certificate.arn);
    expect(after).toMatchObject({ status: 'FAILED', failureReason: 'CAA_ERROR' });
    expect(after?.issued).toBeUndefined();
    expect(checks(after)).toEqual([
      ['www.example.com', 'FAILED', { at: START.toISOString(), outcome: 'CAA_FORBIDDEN', detail: message }],
      ['www.example.org', 'SUCCESS', undefined],
    ]);
  });

  it('names every forbidden name in the error', async () => {
    const certificate = await proven(['a.example.com', '*.example.com']);
    dns.answer('CAA', 'example.com', caaLookup(OTHER_CA));
    const error = await rejection(checkValidation(deps(), certificate.arn, 0));
    expect(error.message).toBe(
      [
        'CAA at example.com (0 issue "letsencrypt.org") does not permit certwright for a.example.com',
        'CAA at example.com (0 issue "letsencrypt.org") does not permit certwright for *.example.com',
      ].join('; '),
    );
    expect((await stored(certificate.arn))?.domainValidations.map((dv) => dv.status)).toEqual([
      'FAILED',
      'FAILED',
    ]);
  });

  it('permits by the configured identities', async () => {
    const certificate = await proven(['pki.example.com']);
    dns.answer('CAA', 'example.com', caaLookup({ flags: 0, tag: 'issue', value: 'pki.example.com' }));
    expect((await checkValidation(deps(['pki.example.com']), certificate.arn, 0)).outcome).toBe('VALIDATED');
    await expect(checkValidation(deps(), certificate.arn, 1)).rejects.toBeInstanceOf(CaaForbiddenError);
  });

  it('keeps the certificate pending while a CAA lookup fails, says why on the name, and issues once it answers', async () => {
    const certificate = await proven(['www.example.com', 'www.example.org'], 'DNS');
    dns.answer('CAA', 'example.com', lookup('SERVFAIL', [], 'ESERVFAIL'));
    expect(await checkValidation(deps(), certificate.arn, 4)).toEqual({
      outcome: 'PENDING',
      attempt: 5,
      waitSeconds: pollDelaySeconds(5, TEST_SETTINGS.pollSchedule),
    });
    const failedAt = START.toISOString();
    const detail =
      'CAA lookup at example.com for www.example.com failed: SERVFAIL ESERVFAIL from 192.0.2.53:53';
    const pending = await stored(certificate.arn);
    expect(pending?.status).toBe('PENDING_VALIDATION');
    // The name says when the schedule checks again (the wait the check step just returned).
    const nextCheckAt = new Date(START.getTime() + pollDelaySeconds(5, TEST_SETTINGS.pollSchedule) * 1000);
    expect(checks(pending)).toEqual([
      [
        'www.example.com',
        'SUCCESS',
        { at: failedAt, outcome: 'CAA_LOOKUP_FAILED', detail, nextCheckAt: nextCheckAt.toISOString() },
      ],
      ['www.example.org', 'SUCCESS', undefined],
    ]);

    // Still failing: still pending, never FAILED.
    clock.advance(60_000);
    expect((await checkValidation(deps(), certificate.arn, 5)).outcome).toBe('PENDING');

    dns.answer('CAA', 'example.com', lookup('NODATA'));
    clock.advance(60_000);
    expect((await checkValidation(deps(), certificate.arn, 6)).outcome).toBe('VALIDATED');
    expect(checks(await stored(certificate.arn))).toEqual([
      [
        'www.example.com',
        'SUCCESS',
        {
          at: clock.now().toISOString(),
          outcome: 'CAA_PERMITTED',
          detail: 'No CAA records for www.example.com or its parents',
        },
      ],
      ['www.example.org', 'SUCCESS', undefined],
    ]);
  });

  it('fails for a name CAA forbids even while another name cannot be looked up', async () => {
    const certificate = await proven(['www.example.com', 'www.example.org']);
    dns.answer('CAA', 'example.com', lookup('TIMEOUT', [], 'ETIMEOUT'));
    dns.answer('CAA', 'www.example.org', caaLookup({ flags: 0, tag: 'issue', value: ';' }));
    await expect(checkValidation(deps(), certificate.arn, 0)).rejects.toThrow(
      'CAA at www.example.org (0 issue ";") does not permit certwright for www.example.org',
    );
    expect(await stored(certificate.arn)).toMatchObject({ status: 'FAILED', failureReason: 'CAA_ERROR' });
  });

  it('does not check CAA before every name is proven', async () => {
    const certificate = await proven(['www.example.com']);
    await dynamo.store.save({
      ...certificate,
      domainValidations: certificate.domainValidations.map((dv) => ({ ...dv, status: 'PENDING_VALIDATION' })),
    });
    expect((await checkValidation(deps(), certificate.arn, 0)).outcome).toBe('PENDING');
    expect(dns.caaQueries).toEqual([]);
  });

  it('STOPS without failing anything when the certificate is deleted while CAA is looked up', async () => {
    const certificate = await proven(['gone.example.com']);
    const resolver = {
      resolveCname: async () => lookup('NXDOMAIN'),
      resolveTxt: async () => lookup('NXDOMAIN'),
      resolveCaa: async () => {
        await dynamo.store.delete(certificate.accountId, certificate.id);
        return caaLookup(OTHER_CA);
      },
    };
    expect(await checkValidation({ ...deps(), resolver }, certificate.arn, 0)).toEqual({
      outcome: 'STOPPED',
      attempt: 1,
      waitSeconds: 0,
    });
    expect(await stored(certificate.arn)).toBeUndefined();
  });
});
