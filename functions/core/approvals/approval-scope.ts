import type { CertificateRecord, DomainValidation } from '../model.ts';
import { renewalDeadline, renewalUnderWay, withRenewalValidations } from '../validation/renewal-run.ts';

/**
 * Whose validations an approval link approves: the certificate's request (ISSUANCE), or one renewal cycle of
 * an ISSUED certificate, whose names are approved again on the renewal's own validations.
 */
export type ApprovalScope = 'ISSUANCE' | { renewalCycle: number };

/** The scope's validations while they still wait for approvals; undefined once they no longer do. */
export function scopeValidations(
  certificate: CertificateRecord | undefined,
  scope: ApprovalScope,
): DomainValidation[] | undefined {
  if (scope === 'ISSUANCE') {
    return certificate?.status === 'PENDING_VALIDATION' ? certificate.domainValidations : undefined;
  }
  return renewalUnderWay(certificate, scope.renewalCycle)?.domainValidations;
}

/** The certificate with the scope's validations replaced (the scope must still wait: see scopeValidations). */
export function withScopeValidations(
  certificate: CertificateRecord,
  scope: ApprovalScope,
  domainValidations: DomainValidation[],
): CertificateRecord {
  if (scope === 'ISSUANCE') return { ...certificate, domainValidations };
  const renewal = renewalUnderWay(certificate, scope.renewalCycle);
  if (!renewal)
    throw new Error(`Certificate ${certificate.arn} has no renewal ${scope.renewalCycle} under way`);
  return withRenewalValidations(certificate, renewal, domainValidations);
}

/** When the scope's links stop working: the validation deadline, or for a renewal the body's NotAfter. */
export function scopeDeadline(certificate: CertificateRecord, scope: ApprovalScope): string {
  return scope === 'ISSUANCE' ? certificate.validationDeadline : renewalDeadline(certificate);
}
