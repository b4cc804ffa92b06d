import { describe, expect, it } from 'vitest';
import { certificateDetail } from '../../../functions/api/certificate-shapes.ts';
import type { DomainValidation, LastCheck } from '../../../functions/core/model.ts';
import { diagnoseValidation } from '../../../functions/core/validation/validation-diagnosis.ts';
import { pendingCertificate, TEST_SETTINGS, VALIDATION_DOMAIN } from './core-fixtures.ts';

const NAME = '_0123456789abcdef0123456789abcdef.example.test';
const VALUE = `_fedcba9876543210fedcba9876543210.${VALIDATION_DOMAIN}`;
const AT = '2026-03-01T12:00:05.000Z';
const NEXT = '2026-03-01T12:00:15.000Z';

function dnsName(lastCheck?: LastCheck, status: DomainValidation['status'] = 'PENDING_VALIDATION') {
  const [dv] = pendingCertificate().domainValidations;
  return { ...(dv as DomainValidation), status, ...(lastCheck ? { lastCheck } : {}) };
}

describe('diagnoseValidation', () => {
  it('names the wrong CNAME target it found, the server asked, and both check times', () => {
    const dv = dnsName({
      at: AT,
      outcome: 'CNAME_MISMATCH',
      detail: 'elsewhere.example.net',
      found: ['elsewhere.example.net'],
      server: '192.0.2.53:53',
      nextCheckAt: NEXT,
    });
    expect(diagnoseValidation(dv, 'PENDING_VALIDATION')).toEqual({
      outcome: 'CNAME_MISMATCH',
      message: `${NAME} is a CNAME to elsewhere.example.net, not to ${VALUE}. Change the record's value to the ResourceRecord Value.`,
      checkedAt: AT,
      nextCheckAt: NEXT,
      found: ['elsewhere.example.net'],
      server: '192.0.2.53:53',
    });
  });

  it('reads the found values of a check recorded before `found` existed from its detail', () => {
    const dv = dnsName({ at: AT, outcome: 'TXT_MISMATCH', detail: 'v=spf1 -all, stale-token' });
    const diagnosis = diagnoseValidation(dv, 'PENDING_VALIDATION');
    expect(diagnosis?.found).toEqual(['v=spf1 -all', 'stale-token']);
    expect(diagnosis?.message).toBe(
      `${NAME} has TXT "v=spf1 -all", "stale-token" but none with ${VALUE}. Publish the ResourceRecord Value as the text, or the CNAME instead.`,
    );
  });

  it('tells a missing name (NXDOMAIN) from a name without the record (NO_RECORD)', () => {
    const missing = diagnoseValidation(
      dnsName({ at: AT, outcome: 'NXDOMAIN', server: '192.0.2.53:53' }),
      'PENDING_VALIDATION',
    );
    expect(missing).toMatchObject({ outcome: 'NXDOMAIN', server: '192.0.2.53:53' });
    expect(missing?.message).toBe(
      `${NAME} does not exist (NXDOMAIN from 192.0.2.53:53). Create the CNAME from the ResourceRecord, in the zone the resolvers see.`,
    );
    const empty = diagnoseValidation(
      dnsName({ at: AT, outcome: 'NO_RECORD', server: '192.0.2.53:53' }),
      'PENDING_VALIDATION',
    );
    expect(empty?.outcome).toBe('NO_RECORD');
    expect(empty?.message).toBe(
      `${NAME} exists but has no CNAME or TXT record (answer from 192.0.2.53:53). Create the CNAME from the ResourceRecord.`,
    );
    // A check recorded before servers were kept says nothing about one.
    expect(diagnoseValidation(dnsName({ at: AT, outcome: 'NO_RECORD' }), 'PENDING_VALIDATION')?.message).toBe(
      `${NAME} exists but has no CNAME or TXT record. Create the CNAME from the ResourceRecord.`,
    );
    expect(empty?.found).toBeUndefined();
  });

  it.each([
    ['SERVFAIL from 192.0.2.53:53', 'answered SERVFAIL (the server could not resolve the name)'],
    ['TIMEOUT ETIMEOUT from 192.0.2.53:53', 'did not answer in time'],
    ['REFUSED from 192.0.2.53:53', 'refused the query'],
    ['ERROR EBADRESP from 192.0.2.53:53', 'failed (ERROR EBADRESP from 192.0.2.53:53)'],
  ])('says which server failed and how: %s', (detail, how) => {
    const dv = dnsName({ at: AT, outcome: 'RESOLVER_ERROR', detail, server: '192.0.2.53:53' });
    expect(diagnoseValidation(dv, 'PENDING_VALIDATION')).toMatchObject({
      outcome: 'RESOLVER_ERROR',
      server: '192.0.2.53:53',
      message: `The lookup of ${NAME} could not tell whether the record exists: 192.0.2.53:53 ${how}. Checks go on; make sure that server can resolve the zone.`,
    });
  });

  it('reports a validated name without a next check, also while other names are pending', () => {
    const dv = dnsName({ at: AT, outcome: 'CNAME_MATCH', server: '192.0.2.53:53' }, 'SUCCESS');
    expect(diagnoseValidation(dv, 'PENDING_VALIDATION')).toEqual({
      outcome: 'CNAME_MATCH',
      message: `Validated: ${NAME} is a CNAME to ${VALUE}.`,
      checkedAt: AT,
      server: '192.0.2.53:53',
    });
  });

  it('keeps the last check of a certificate that timed out, but plans no next check', () => {
    const dv = dnsName({ at: AT, outcome: 'NXDOMAIN', nextCheckAt: NEXT });
    const diagnosis = diagnoseValidation(dv, 'VALIDATION_TIMED_OUT');
    expect(diagnosis).toMatchObject({ outcome: 'NXDOMAIN', checkedAt: AT });
    expect(diagnosis?.nextCheckAt).toBeUndefined();
  });

  it('says a pending name has not been checked yet, and says nothing for one never checked after the fact', () => {
    expect(diagnoseValidation(dnsName(), 'PENDING_VALIDATION')).toEqual({
      outcome: 'NOT_CHECKED_YET',
      message: 'Not checked yet: the first check runs within seconds of the request.',
    });
    expect(diagnoseValidation(dnsName(), 'FAILED')).toBeUndefined();
  });

  it('says which CAA record forbids this CA, on a certificate that failed for it', () => {
    const detail =
      'CAA at example.test (0 issue "other-ca.example") does not permit certwright for example.test';
    const dv = dnsName({ at: AT, outcome: 'CAA_FORBIDDEN', detail }, 'FAILED');
    expect(diagnoseValidation(dv, 'FAILED')).toEqual({
      outcome: 'CAA_FORBIDDEN',
      message: `${detail}. Change the CAA record to name this CA (or remove it), then request a new certificate: this one has failed.`,
      checkedAt: AT,
    });
  });

  it('keeps a proven name whose CAA lookup failed waiting, with its next check', () => {
    const detail = 'CAA lookup at example.test for example.test failed: SERVFAIL from 192.0.2.53:53';
    const dv = dnsName({ at: AT, outcome: 'CAA_LOOKUP_FAILED', detail, nextCheckAt: NEXT }, 'SUCCESS');
    expect(diagnoseValidation(dv, 'PENDING_VALIDATION')).toEqual({
      outcome: 'CAA_LOOKUP_FAILED',
      message: `${detail}. Control is proven, but nothing is issued without a CAA answer; checks go on.`,
      checkedAt: AT,
      nextCheckAt: NEXT,
    });
    const permitted = dnsName(
      { at: AT, outcome: 'CAA_PERMITTED', detail: 'No CAA records for example.test or its parents' },
      'SUCCESS',
    );
    expect(diagnoseValidation(permitted, 'PENDING_VALIDATION')).toMatchObject({
      outcome: 'CAA_PERMITTED',
      message: 'No CAA records for example.test or its parents.',
    });
  });

  it('passes an outcome it does not know through with its detail', () => {
    const dv = dnsName({ at: AT, outcome: 'SOMETHING_NEW', detail: 'the detail' });
    expect(diagnoseValidation(dv, 'PENDING_VALIDATION')).toMatchObject({
      outcome: 'UNKNOWN',
      message: 'SOMETHING_NEW: the detail',
    });
  });

  it('says an EMAIL name waits for approval, with where and when the mail went', () => {
    const dv: DomainValidation = {
      domainName: 'mail.example.test',
      validationDomain: 'example.test',
      validationMethod: 'EMAIL',
      status: 'PENDING_VALIDATION',
      validationEmails: ['admin@example.test', 'hostmaster@example.test'],
      approval: { tokenHash: 'ab'.repeat(32), sentAt: AT },
    };
    expect(diagnoseValidation(dv, 'PENDING_VALIDATION')).toEqual({
      outcome: 'AWAITING_APPROVAL',
      message: `Waiting for approval: the approval mail went to 2 addresses at example.test at ${AT}; open its link and press Approve, or resend it.`,
    });
    expect(diagnoseValidation({ ...dv, status: 'SUCCESS' }, 'PENDING_VALIDATION')).toBeUndefined();
  });
});

describe('DescribeCertificate with ValidationDiagnosis', () => {
  it('adds the diagnosis to each DomainValidation with epoch-second times, and leaves ACM members as they were', () => {
    const certificate = pendingCertificate();
    const lastCheck: LastCheck = {
      at: AT,
      outcome: 'CNAME_MISMATCH',
      detail: 'elsewhere.example.net',
      found: ['elsewhere.example.net'],
      server: '192.0.2.53:53',
      nextCheckAt: NEXT,
    };
    const withCheck = {
      ...certificate,
      domainValidations: certificate.domainValidations.map((dv) => ({ ...dv, lastCheck })),
    };
    const [dv] = certificateDetail(withCheck, TEST_SETTINGS.renewal).DomainValidationOptions;
    expect(dv).toEqual({
      DomainName: 'example.test',
      ValidationDomain: 'example.test',
      ValidationStatus: 'PENDING_VALIDATION',
      ValidationMethod: 'DNS',
      ResourceRecord: { Name: `${NAME}.`, Type: 'CNAME', Value: `${VALUE}.` },
      ValidationDiagnosis: {
        CheckedAt: Date.parse(AT) / 1000,
        NextCheckAt: Date.parse(NEXT) / 1000,
        Outcome: 'CNAME_MISMATCH',
        Message: expect.stringContaining('is a CNAME to elsewhere.example.net'),
        Found: ['elsewhere.example.net'],
        Server: '192.0.2.53:53',
      },
    });
    // The ACM members are the same with or without a check to diagnose.
    expect(withoutDiagnosis(dv)).toEqual(
      withoutDiagnosis(certificateDetail(certificate, TEST_SETTINGS.renewal).DomainValidationOptions[0]),
    );
  });

  it('leaves out members with nothing to say (no Found, Server or NextCheckAt) from the JSON', () => {
    const certificate = pendingCertificate();
    const json = JSON.parse(JSON.stringify(certificateDetail(certificate, TEST_SETTINGS.renewal)));
    expect(json.DomainValidationOptions[0].ValidationDiagnosis).toEqual({
      Outcome: 'NOT_CHECKED_YET',
      Message: 'Not checked yet: the first check runs within seconds of the request.',
    });
  });
});

function withoutDiagnosis(dv: object | undefined): object {
  const { ValidationDiagnosis: _diagnosis, ...acmMembers } = dv as { ValidationDiagnosis?: unknown };
  return acmMembers;
}
