import { recordFailure } from '../certificates/record-failure.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { canonicalDnsName } from '../dns-zones.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { CertificateStore, DnsResolver } from '../ports.ts';
import { caaForbiddenError, caaNotes, certificateCaaVerdicts, forbiddenChecks } from './caa-gate.ts';

export interface EnforceCaaDeps {
  store: CertificateStore;
  resolver: DnsResolver;
  /** settings.caaIdentities */
  caaIdentities: readonly string[];
}

/** PERMITTED: issue now. PENDING: a lookup failed, check again later. STOPPED: the certificate moved on. */
export type CaaGateOutcome = 'PERMITTED' | 'PENDING' | 'STOPPED';

/**
 * CAA for every name on a validated certificate, just before issuance. A name CAA forbids fails the
 * certificate for good (FAILED, CAA_ERROR, the verdict on that name's lastCheck) and throws
 * CaaForbiddenError for the workflow's failure path. A lookup that failed is only noted on the name's
 * lastCheck: fail closed, but not final.
 */
export async function enforceCaa(
  deps: EnforceCaaDeps,
  certificate: CertificateRecord,
  at: string,
): Promise<CaaGateOutcome> {
  const verdicts = await certificateCaaVerdicts(deps, certificate);
  if (verdicts.forbidden.length > 0) {
    const recorded = await recordFailure(
      deps,
      certificate.arn,
      'CAA_ERROR',
      forbiddenChecks(verdicts.forbidden, at),
    );
    if (!recorded) return 'STOPPED';
    throw caaForbiddenError(verdicts.forbidden);
  }
  const notes = caaNotes(verdicts, (name) => lastCheckOf(certificate, name), at);
  if (notes.size > 0 && !(await note(deps.store, certificate, notes))) return 'STOPPED';
  return verdicts.failed.length > 0 ? 'PENDING' : 'PERMITTED';
}

function lastCheckOf(certificate: CertificateRecord, name: string): DomainValidation['lastCheck'] {
  return certificate.domainValidations.find((dv) => canonicalDnsName(dv.domainName) === name)?.lastCheck;
}

/** Writes the notes on the names' lastCheck; false when the certificate is no longer pending. */
async function note(
  store: CertificateStore,
  certificate: CertificateRecord,
  notes: Map<string, DomainValidation['lastCheck']>,
): Promise<boolean> {
  const saved = await updateCertificate(store, certificate.accountId, certificate.id, (current) =>
    current.status === 'PENDING_VALIDATION'
      ? {
          ...current,
          domainValidations: current.domainValidations.map((dv) => {
            const lastCheck = notes.get(canonicalDnsName(dv.domainName));
            return lastCheck ? { ...dv, lastCheck } : dv;
          }),
        }
      : undefined,
  );
  return saved?.status === 'PENDING_VALIDATION';
}
