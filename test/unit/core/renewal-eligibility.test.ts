import { describe, expect, it } from 'vitest';
import { renewCertificate } from '../../../functions/core/certificates/renew-certificate.ts';
import { renewalEligibility } from '../../../functions/core/certificates/renewal-eligibility.ts';
import { ValidationError } from '../../../functions/core/errors.ts';
import type { CertificateRecord, CertificateStatus } from '../../../functions/core/model.ts';
import { certificateMetadata } from '../../../functions/core/search/certificate-metadata.ts';
import { searchCertificates } from '../../../functions/core/search/search-certificates.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import { HmacMac, pendingCertificate, REGION, RecordingWorkflow, useDynaliteStore } from './core-fixtures.ts';

// Renewal eligibility under ACM's rule and under a deployment's renewAllIssued, and the places that decide
// with it: RenewCertificate and SearchCertificates' metadata.

const ACM_RULE = { renewAllIssued: false };
const RENEW_ALL = { renewAllIssued: true };
const EXPORTED = {
  firstExportedAt: '2026-05-01T00:00:00.000Z',
  lastExportedAt: '2026-05-01T00:00:00.000Z',
  count: 1,
};
/** A certificate body as the issue step stores it; nothing here reads its contents. */
const ISSUED_BODY = {
  certificatePem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
  chainPem: '',
  serialHex: '01',
  notBefore: '2026-05-01T00:00:00.000Z',
  notAfter: '2027-05-31T00:00:00.000Z',
  issuedAt: '2026-05-01T01:00:00.000Z',
  sealedPrivateKey: 'sealed',
  keyUsages: [],
  extendedKeyUsages: [],
  announcedAt: '2026-05-01T01:00:00.000Z',
};
const IN_USE = { inUseBy: ['arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1'] };

const issued = (overrides: Partial<CertificateRecord> = {}) =>
  pendingCertificate({ status: 'ISSUED', ...overrides });

describe('renewalEligibility', () => {
  it('follows ACM: an issued certificate Certwright signed, in use or exported', () => {
    expect(renewalEligibility(issued(), ACM_RULE)).toBe('INELIGIBLE');
    expect(renewalEligibility(issued(IN_USE), ACM_RULE)).toBe('ELIGIBLE');
    expect(renewalEligibility(issued({ exported: EXPORTED }), ACM_RULE)).toBe('ELIGIBLE');
  });

  it('with renewAllIssued, takes every ISSUED certificate Certwright signed', () => {
    expect(renewalEligibility(issued(), RENEW_ALL)).toBe('ELIGIBLE');
    expect(renewalEligibility(issued(IN_USE), RENEW_ALL)).toBe('ELIGIBLE');
  });

  it('never takes an import, nor a certificate that is not ISSUED, under either policy', () => {
    const imported = issued({ type: 'IMPORTED', domainValidations: [], exported: EXPORTED, ...IN_USE });
    const others: CertificateStatus[] = [
      'PENDING_VALIDATION',
      'EXPIRED',
      'REVOKED',
      'FAILED',
      'VALIDATION_TIMED_OUT',
      'INACTIVE',
    ];
    for (const policy of [ACM_RULE, RENEW_ALL]) {
      expect(renewalEligibility(imported, policy)).toBe('INELIGIBLE');
      for (const status of others) {
        expect(renewalEligibility(issued({ status, exported: EXPORTED, ...IN_USE }), policy)).toBe(
          'INELIGIBLE',
        );
      }
    }
  });

  it('is what SearchCertificates’ metadata reports, with InUse', () => {
    expect(certificateMetadata(issued(), ACM_RULE)).toMatchObject({
      inUse: false,
      renewalEligibility: 'INELIGIBLE',
    });
    expect(certificateMetadata(issued(), RENEW_ALL).renewalEligibility).toBe('ELIGIBLE');
    expect(certificateMetadata(issued(IN_USE), ACM_RULE)).toMatchObject({
      inUse: true,
      renewalEligibility: 'ELIGIBLE',
    });
  });
});

describe('the deployment’s policy where eligibility decides', () => {
  const dynamo = useDynaliteStore();
  const clock = new FakeClock(new Date('2026-06-01T09:00:00.000Z'));

  async function stored(certificate: CertificateRecord): Promise<CertificateRecord> {
    await dynamo.store.create(certificate);
    return certificate;
  }

  it('RenewCertificate accepts a certificate neither exported nor in use only with renewAllIssued', async () => {
    const certificate = await stored(issued({ issued: ISSUED_BODY }));
    const deps = { store: dynamo.store, region: REGION, clock, workflow: new RecordingWorkflow() };
    await expect(
      renewCertificate({ ...deps, renewal: ACM_RULE }, certificate.accountId, certificate.arn),
    ).rejects.toThrow(ValidationError);
    await renewCertificate({ ...deps, renewal: RENEW_ALL }, certificate.accountId, certificate.arn);
    const after = await dynamo.store.get(certificate.accountId, certificate.id);
    expect(after?.renewal?.status).toBe('PENDING_AUTO_RENEWAL');
  });

  it('SearchCertificates reports RenewalEligibility as the policy decides, and InUse', async () => {
    const accountId = '777788889999';
    const idle = await stored(issued({ accountId }));
    const used = await stored(issued({ accountId, ...IN_USE }));
    const search = async (policy: typeof ACM_RULE) => {
      const deps = { store: dynamo.store, mac: new HmacMac(), settings: { renewal: policy } };
      const { results } = await searchCertificates(deps, accountId, { maxResults: 10 });
      return Object.fromEntries(
        results.map(({ arn, metadata }) => [arn, [metadata.inUse, metadata.renewalEligibility]]),
      );
    };
    expect(await search(ACM_RULE)).toEqual({
      [idle.arn]: [false, 'INELIGIBLE'],
      [used.arn]: [true, 'ELIGIBLE'],
    });
    expect(await search(RENEW_ALL)).toEqual({
      [idle.arn]: [false, 'ELIGIBLE'],
      [used.arn]: [true, 'ELIGIBLE'],
    });
  });
});
