/**
 * Certificate events with ACM's detail-types and detail fields (acm-api.md §8), built from the stored
 * certificate. The Acme* fields are left out: Certwright has no ACME endpoints.
 */
import type { CertificateRecord, IssuedCertificate } from '../model.ts';
import type { CertificateEvent } from '../ports.ts';

/**
 * The `source` of every Certwright event. EventBridge reserves `aws.*` sources for AWS services, so ours
 * cannot be ACM's `aws.acm`; rules match on this instead, with ACM's detail-types unchanged.
 */
export const CERTIFICATE_EVENT_SOURCE = 'certwright.acm';

/**
 * ACM's CertificateKeyPairOrigin: AWS_MANAGED for a key pair the service generated, CUSTOMER_PROVIDED for
 * an imported one.
 */
export function keyPairOrigin(certificate: CertificateRecord): 'AWS_MANAGED' | 'CUSTOMER_PROVIDED' {
  return certificate.type === 'IMPORTED' ? 'CUSTOMER_PROVIDED' : 'AWS_MANAGED';
}

/** The event field FirstSubjectAlternativeName: the first name on the certificate (its DomainName). */
export function firstSubjectAlternativeName(certificate: CertificateRecord): string {
  return certificate.subjectAlternativeNames[0] ?? certificate.domainName;
}

/** A day in milliseconds: ValidityInDays and DaysToExpiry count these. */
export const DAY_MS = 24 * 60 * 60 * 1000;

export type AvailableAction = 'ISSUANCE' | 'RENEWAL' | 'IMPORT' | 'REIMPORT';

export function certificateAvailableEvent(
  certificate: CertificateRecord,
  action: AvailableAction,
  now: Date,
): CertificateEvent {
  const issued = issuedPart(certificate);
  return certificateEvent(certificate, 'ACM Certificate Available', now, {
    Action: action,
    ...commonDetail(certificate, issued),
    DaysToExpiry: daysToExpiry(issued, now),
  });
}

export function certificateExpiredEvent(certificate: CertificateRecord, now: Date): CertificateEvent {
  return certificateEvent(
    certificate,
    'ACM Certificate Expired',
    now,
    commonDetail(certificate, issuedPart(certificate)),
  );
}

/** ACM Certificate Revoked: the certificate as revoked (its RevokedAt is the event's time). */
export function certificateRevokedEvent(certificate: CertificateRecord, now: Date): CertificateEvent {
  const issued = issuedPart(certificate);
  return certificateEvent(certificate, 'ACM Certificate Revoked', now, {
    CertificateType: certificate.type,
    CommonName: certificate.domainName,
    FirstSubjectAlternativeName: firstSubjectAlternativeName(certificate),
    ValidityInDays: validityInDays(issued),
    CertificateKeyPairOrigin: keyPairOrigin(certificate),
    CertificateExpirationDate: eventTimestamp(issued.notAfter),
    Exportable: certificate.options.export === 'ENABLED',
  });
}

/** ISO-8601 in whole seconds, as EventBridge writes `time` and ACM writes its dates. */
export function eventTimestamp(date: Date | string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An event about `certificate` with ACM's detail-type and the given detail fields. */
export function certificateEvent(
  certificate: CertificateRecord,
  detailType: CertificateEvent['detailType'],
  now: Date,
  detail: Record<string, unknown>,
): CertificateEvent {
  return {
    detailType,
    certificateArn: certificate.arn,
    accountId: certificate.accountId,
    region: certificate.region,
    time: eventTimestamp(now),
    detail,
  };
}

function commonDetail(certificate: CertificateRecord, issued: IssuedCertificate): Record<string, unknown> {
  return {
    CertificateType: certificate.type,
    CommonName: certificate.domainName,
    FirstSubjectAlternativeName: firstSubjectAlternativeName(certificate),
    ValidityInDays: validityInDays(issued),
    CertificateKeyPairOrigin: keyPairOrigin(certificate),
    DomainValidationMethod: certificate.domainValidations[0]?.validationMethod ?? 'DNS',
    CertificateCreatedDate: eventTimestamp(certificate.createdAt),
    CertificateExpirationDate: eventTimestamp(issued.notAfter),
    InUse: certificate.inUseBy.length > 0,
    Exported: certificate.exported !== undefined,
  };
}

export function validityInDays(issued: IssuedCertificate): number {
  return Math.ceil((Date.parse(issued.notAfter) - Date.parse(issued.notBefore)) / DAY_MS);
}

/** Whole days left, a part day counting as a day; 0 once NotAfter has passed. */
export function daysToExpiry(issued: IssuedCertificate, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(issued.notAfter) - now.getTime()) / DAY_MS));
}

export function issuedPart(certificate: CertificateRecord): IssuedCertificate {
  if (!certificate.issued) {
    throw new Error(`Certificate ${certificate.arn} has not been issued; it has no event to announce`);
  }
  return certificate.issued;
}
