import { recordFailure } from '../certificates/record-failure.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { canonicalDnsName } from '../dns-zones.ts';
import { CaaForbiddenError } from '../errors.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { CertificateStore, DnsResolver } from '../ports.ts';
import { checkCaa } from './check-caa.ts';

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
  const names = [...new Set(certificate.subjectAlternativeNames.map(canonicalDnsName))];
  const verdicts = await Promise.all(
    names.map((name) => checkCaa(name, { resolver: deps.resolver, identities: deps.caaIdentities })),
  );

  const forbidden = verdicts.filter((verdict) => verdict.outcome === 'FORBIDDEN');
  if (forbidden.length > 0) {
    const failures = forbidden.map((verdict) => ({
      domainName: verdict.name,
      lastCheck: { at, outcome: 'CAA_FORBIDDEN', detail: verdict.message },
    }));
    const recorded = await recordFailure(deps, certificate.arn, 'CAA_ERROR', failures);
    if (!recorded) return 'STOPPED';
    throw new CaaForbiddenError(forbidden.map((verdict) => verdict.message).join('; '));
  }

  const failed = verdicts.filter((verdict) => verdict.outcome === 'LOOKUP_FAILED');
  const notes = new Map<string, DomainValidation['lastCheck']>(
    failed.map((verdict) => [verdict.name, { at, outcome: 'CAA_LOOKUP_FAILED', detail: verdict.message }]),
  );
  // Once permitted, a name whose lastCheck still shows an earlier failed lookup gets the answer instead.
  for (const verdict of verdicts.filter((v) => v.outcome === 'PERMITTED')) {
    if (lastCheckOf(certificate, verdict.name)?.outcome === 'CAA_LOOKUP_FAILED')
      notes.set(verdict.name, { at, outcome: 'CAA_PERMITTED', detail: verdict.message });
  }
  if (notes.size > 0 && !(await note(deps.store, certificate, notes))) return 'STOPPED';
  return failed.length > 0 ? 'PENDING' : 'PERMITTED';
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
