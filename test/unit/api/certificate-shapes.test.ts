import { describe, expect, it } from 'vitest';
import { certificateDetail, certificateSummary } from '../../../functions/api/certificate-shapes.ts';
import type { CertificateRecord, DomainValidation } from '../../../functions/core/model.ts';
import { pendingCertificate } from '../core/core-fixtures.ts';

// DescribeCertificate's and ListCertificates' members that come from use and renewal: InUseBy/InUse,
// RenewalEligibility under the deployment's policy, and RenewalSummary.

const ACM_RULE = { renewAllIssued: false };
const RENEW_ALL = { renewAllIssued: true };
const RESOURCE = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1';
const UPDATED = '2026-06-02T10:00:00.000Z';

function issued(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  const certificate = pendingCertificate({ status: 'ISSUED' });
  return {
    ...certificate,
    domainValidations: certificate.domainValidations.map((dv) => ({ ...dv, status: 'SUCCESS' })),
    ...overrides,
  };
}

describe('InUseBy, InUse and RenewalEligibility', () => {
  it('show the resources and the eligibility they bring', () => {
    const idle = issued();
    expect(certificateDetail(idle, ACM_RULE)).toMatchObject({
      InUseBy: [],
      RenewalEligibility: 'INELIGIBLE',
    });
    expect(certificateSummary(idle, ACM_RULE)).toMatchObject({
      InUse: false,
      RenewalEligibility: 'INELIGIBLE',
    });

    const used = issued({ inUseBy: [RESOURCE] });
    expect(certificateDetail(used, ACM_RULE)).toMatchObject({
      InUseBy: [RESOURCE],
      RenewalEligibility: 'ELIGIBLE',
    });
    expect(certificateSummary(used, ACM_RULE)).toMatchObject({ InUse: true, RenewalEligibility: 'ELIGIBLE' });
  });

  it('with renewAllIssued, show every ISSUED certificate Certwright signed as eligible', () => {
    expect(certificateDetail(issued(), RENEW_ALL).RenewalEligibility).toBe('ELIGIBLE');
    expect(certificateSummary(issued(), RENEW_ALL).RenewalEligibility).toBe('ELIGIBLE');
    expect(certificateDetail(pendingCertificate(), RENEW_ALL).RenewalEligibility).toBe('INELIGIBLE');
  });
});

describe('RenewalSummary', () => {
  it('is absent until a renewal starts', () => {
    expect(certificateDetail(issued(), ACM_RULE).RenewalSummary).toBeUndefined();
    expect(JSON.parse(JSON.stringify(certificateDetail(issued(), ACM_RULE)))).not.toHaveProperty(
      'RenewalSummary',
    );
  });

  it('shows the renewal’s own validations, its reason and when it last changed', () => {
    const certificate = issued();
    const [issuance] = certificate.domainValidations as [DomainValidation];
    const renewalValidation: DomainValidation = {
      ...issuance,
      status: 'PENDING_VALIDATION',
      lastCheck: {
        at: '2026-06-02T09:59:00.000Z',
        outcome: 'NXDOMAIN',
        server: '192.0.2.53:53',
        nextCheckAt: '2026-06-02T10:04:00.000Z',
      },
    };
    const renewing = issued({
      renewal: {
        status: 'PENDING_VALIDATION',
        statusReason: 'PENDING_DOMAIN_VALIDATION',
        updatedAt: UPDATED,
        cycle: 1,
        domainValidations: [renewalValidation],
      },
    });
    const summary = certificateDetail(renewing, ACM_RULE).RenewalSummary;
    expect(summary).toEqual({
      RenewalStatus: 'PENDING_VALIDATION',
      RenewalStatusReason: 'PENDING_DOMAIN_VALIDATION',
      UpdatedAt: Date.parse(UPDATED) / 1000,
      DomainValidationOptions: [
        {
          DomainName: 'example.test',
          ValidationDomain: 'example.test',
          ValidationStatus: 'PENDING_VALIDATION',
          ValidationMethod: 'DNS',
          ResourceRecord: issuance.resourceRecord,
          // The renewal is under way, so its name is diagnosed as waiting, with the next check.
          ValidationDiagnosis: expect.objectContaining({
            Outcome: 'NXDOMAIN',
            NextCheckAt: Date.parse('2026-06-02T10:04:00.000Z') / 1000,
          }),
        },
      ],
    });
    // The certificate's own DomainValidationOptions keep the issuance's.
    expect(certificateDetail(renewing, ACM_RULE).DomainValidationOptions[0]?.ValidationStatus).toBe(
      'SUCCESS',
    );
  });

  it('falls back to the certificate’s validations for a renewal recorded without its own', () => {
    const requested = issued({ renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: UPDATED } });
    const summary = certificateDetail(requested, ACM_RULE).RenewalSummary;
    expect(summary?.RenewalStatus).toBe('PENDING_AUTO_RENEWAL');
    expect(summary?.RenewalStatusReason).toBeUndefined();
    expect(summary?.DomainValidationOptions.map((dv) => [dv.DomainName, dv.ValidationStatus])).toEqual([
      ['example.test', 'SUCCESS'],
    ]);
  });

  it('after a renewal ended, diagnoses its names as settled (no next check)', () => {
    const certificate = issued();
    const [issuance] = certificate.domainValidations as [DomainValidation];
    const failed = issued({
      renewal: {
        status: 'FAILED',
        statusReason: 'CAA_ERROR',
        updatedAt: UPDATED,
        cycle: 2,
        domainValidations: [
          {
            ...issuance,
            status: 'FAILED',
            lastCheck: { at: UPDATED, outcome: 'CAA_FORBIDDEN', detail: 'issue ";"', nextCheckAt: UPDATED },
          },
        ],
      },
    });
    const [dv] = certificateDetail(failed, ACM_RULE).RenewalSummary?.DomainValidationOptions ?? [];
    expect(dv?.ValidationStatus).toBe('FAILED');
    expect(dv?.ValidationDiagnosis?.NextCheckAt).toBeUndefined();
    expect(dv?.ValidationDiagnosis?.Outcome).toBe('CAA_FORBIDDEN');
    expect(certificateDetail(failed, ACM_RULE).RenewalSummary?.RenewalStatusReason).toBe('CAA_ERROR');
  });
});
