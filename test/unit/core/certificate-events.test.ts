import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_EVENT_SOURCE,
  certificateAvailableEvent,
  certificateExpiredEvent,
  eventTimestamp,
} from '../../../functions/core/events/certificate-events.ts';
import type { CertificateRecord } from '../../../functions/core/model.ts';
import { ACCOUNT, pendingCertificate, REGION } from './core-fixtures.ts';

/** Issued at 2026-03-02T08:15:42.637Z for 395 days: NotBefore backdated an hour, NotAfter 1 s short. */
function issued(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    ...pendingCertificate({
      domainName: 'www.example.test',
      subjectAlternativeNames: ['www.example.test', 'api.example.test'],
      createdAt: '2026-03-01T12:00:00.250Z',
    }),
    status: 'ISSUED',
    issued: {
      certificatePem: 'pem',
      chainPem: 'chain',
      serialHex: '01ab',
      notBefore: '2026-03-02T07:15:42.000Z',
      notAfter: '2027-04-01T07:15:41.000Z',
      issuedAt: '2026-03-02T08:15:42.637Z',
      sealedPrivateKey: 'sealed',
      keyUsages: [],
      extendedKeyUsages: [],
    },
    ...overrides,
  };
}

/** The detail fields every event about `issued()` carries, whatever its type. */
const ISSUED_DETAIL = {
  CertificateType: 'AMAZON_ISSUED',
  CommonName: 'www.example.test',
  FirstSubjectAlternativeName: 'www.example.test',
  ValidityInDays: 395,
  CertificateKeyPairOrigin: 'AWS_MANAGED',
  DomainValidationMethod: 'DNS',
  CertificateCreatedDate: '2026-03-01T12:00:00Z',
  CertificateExpirationDate: '2027-04-01T07:15:41Z',
};

describe('certificateAvailableEvent', () => {
  it('carries ACM’s detail fields for an issuance, dates in whole seconds, the ARN as the resource', () => {
    const certificate = issued();
    expect(certificateAvailableEvent(certificate, 'ISSUANCE', new Date('2026-03-02T08:15:42.637Z'))).toEqual({
      detailType: 'ACM Certificate Available',
      certificateArn: certificate.arn,
      accountId: ACCOUNT,
      region: REGION,
      time: '2026-03-02T08:15:42Z',
      detail: {
        Action: 'ISSUANCE',
        ...ISSUED_DETAIL,
        // NotAfter is 394 days and 23 hours away: a part day counts as a day.
        DaysToExpiry: 395,
        InUse: false,
        Exported: false,
      },
    });
  });

  it('tells a renewal, a certificate in use, and the days left later on', () => {
    const certificate = issued({ inUseBy: ['arn:aws:elasticloadbalancing:us-east-1:111122223333:lb/x'] });
    const event = certificateAvailableEvent(certificate, 'RENEWAL', new Date('2027-03-31T07:15:42.000Z'));
    expect(event.detail).toMatchObject({ Action: 'RENEWAL', InUse: true, DaysToExpiry: 1 });
  });

  it('refuses a certificate that has not been issued', () => {
    expect(() => certificateAvailableEvent(pendingCertificate(), 'ISSUANCE', new Date())).toThrow(
      /has not been issued/,
    );
  });
});

describe('certificateExpiredEvent', () => {
  it('carries ACM’s Expired fields, without DaysToExpiry or an Action', () => {
    const certificate = issued({ status: 'EXPIRED' });
    const event = certificateExpiredEvent(certificate, new Date('2027-04-01T07:15:42.001Z'));
    expect(event).toEqual({
      detailType: 'ACM Certificate Expired',
      certificateArn: certificate.arn,
      accountId: ACCOUNT,
      region: REGION,
      time: '2027-04-01T07:15:42Z',
      detail: {
        ...ISSUED_DETAIL,
        InUse: false,
        Exported: false,
      },
    });
  });
});

describe('events', () => {
  it('come from a source outside EventBridge’s reserved aws.* namespace', () => {
    expect(CERTIFICATE_EVENT_SOURCE).toBe('certwright.acm');
  });

  it('write times as ISO-8601 in whole seconds, as EventBridge does', () => {
    expect(eventTimestamp('2026-03-02T08:15:42.999Z')).toBe('2026-03-02T08:15:42Z');
    expect(eventTimestamp(new Date(Date.UTC(2026, 0, 1)))).toBe('2026-01-01T00:00:00Z');
  });
});
