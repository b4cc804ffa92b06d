import type { CertificateRecord, DomainValidation, RenewalState } from '../model.ts';

/** A renewal a run can work on: its cycle and its own validation of each name. */
export type RenewalUnderWay = RenewalState & { cycle: number; domainValidations: DomainValidation[] };

/**
 * The renewal a renewal run works on: in progress on an ISSUED certificate, and of the run's `cycle` (any
 * cycle when the run does not know its own yet). Undefined otherwise: the run stops without writing.
 */
export function renewalUnderWay(
  certificate: CertificateRecord | undefined,
  cycle?: number,
): RenewalUnderWay | undefined {
  const renewal = certificate?.renewal;
  if (certificate?.status !== 'ISSUED' || !certificate.issued || !renewal?.domainValidations)
    return undefined;
  if (renewal.status !== 'PENDING_AUTO_RENEWAL' && renewal.status !== 'PENDING_VALIDATION') return undefined;
  const runCycle = renewal.cycle ?? 1;
  if (cycle !== undefined && cycle !== runCycle) return undefined;
  return { ...renewal, cycle: runCycle, domainValidations: renewal.domainValidations };
}

/** The certificate with its renewal's validations replaced. */
export function withRenewalValidations(
  certificate: CertificateRecord,
  renewal: RenewalUnderWay,
  domainValidations: DomainValidation[],
): CertificateRecord {
  return { ...certificate, renewal: { ...renewal, domainValidations } };
}

/** When a renewal must be done by: the current body's NotAfter (then the schedule expires it). */
export function renewalDeadline(certificate: CertificateRecord): string {
  if (!certificate.issued) throw new Error(`Certificate ${certificate.arn} has no body to renew`);
  return certificate.issued.notAfter;
}
