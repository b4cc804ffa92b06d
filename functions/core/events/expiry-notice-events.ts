/**
 * The schedule's notices before a certificate expires, with ACM's detail-types and detail fields
 * (acm-api.md §8). As for the other events, the Acme* fields are left out.
 */
import type { CertificateRecord } from '../model.ts';
import type { CertificateEvent } from '../ports.ts';
import { PENDING_DOMAIN_VALIDATION } from '../renewal/renewal-state.ts';
import {
  certificateEvent,
  daysToExpiry,
  eventTimestamp,
  firstSubjectAlternativeName,
  issuedPart,
  keyPairOrigin,
  validityInDays,
} from './certificate-events.ts';

/** `ACM Certificate Approaching Expiration`: sent for every type of certificate, imported ones included. */
export function approachingExpirationEvent(certificate: CertificateRecord, now: Date): CertificateEvent {
  const issued = issuedPart(certificate);
  return certificateEvent(certificate, 'ACM Certificate Approaching Expiration', now, {
    DaysToExpiry: daysToExpiry(issued, now),
    CommonName: certificate.domainName,
    FirstSubjectAlternativeName: firstSubjectAlternativeName(certificate),
    ValidityInDays: validityInDays(issued),
    CertificateKeyPairOrigin: keyPairOrigin(certificate),
  });
}

/**
 * `ACM Certificate Renewal Action Required`: the managed renewal of a certificate Certwright issued cannot
 * finish without the owner (its names no longer validate, or it failed).
 */
export function renewalActionRequiredEvent(certificate: CertificateRecord, now: Date): CertificateEvent {
  const issued = issuedPart(certificate);
  return certificateEvent(certificate, 'ACM Certificate Renewal Action Required', now, {
    CertificateType: certificate.type,
    CommonName: certificate.domainName,
    FirstSubjectAlternativeName: firstSubjectAlternativeName(certificate),
    ValidityInDays: validityInDays(issued),
    CertificateKeyPairOrigin: keyPairOrigin(certificate),
    DomainValidationMethod: certificate.domainValidations[0]?.validationMethod ?? 'DNS',
    RenewalStatusReason: renewalStatusReason(certificate),
    DaysToExpiry: daysToExpiry(issued, now),
    CertificateExpirationDate: eventTimestamp(issued.notAfter),
    InUse: certificate.inUseBy.length > 0,
    Exported: certificate.exported !== undefined,
  });
}

/**
 * The renewal's reason as ACM words it: its own statusReason (a FailureReason when it failed); else
 * PENDING_DOMAIN_VALIDATION while it waits for its names, and OTHER for one that failed without a reason or
 * stalled before its first check.
 */
export function renewalStatusReason(certificate: CertificateRecord): string {
  const renewal = certificate.renewal;
  if (renewal?.statusReason) return renewal.statusReason;
  return renewal?.status === 'PENDING_VALIDATION' ? PENDING_DOMAIN_VALIDATION : 'OTHER';
}
