import { checkCaa } from '../caa/check-caa.ts';
import type { CaaGateOutcome, EnforceCaaDeps } from '../caa/enforce-caa.ts';
import { recordRenewalFailure } from '../certificates/record-failure.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { canonicalDnsName } from '../dns-zones.ts';
import { CaaForbiddenError } from '../errors.ts';
import type { CertificateRecord, LastCheck } from '../model.ts';
import type { Clock } from '../ports.ts';
import { type RenewalUnderWay, renewalUnderWay, withRenewalValidations } from './renewal-run.ts';

/**
 * CAA for every name of a renewal whose names are all validated again, as for a first issuance: a name CAA
 * forbids fails the renewal (FAILED, CAA_ERROR, the verdict on that name's lastCheck; the certificate keeps
 * its body) and throws CaaForbiddenError for the workflow's failure path; a lookup that failed is noted on the
 * name, with the next check's time, and the renewal waits for that check.
 */
export async function enforceRenewalCaa(
  deps: EnforceCaaDeps & { clock: Clock },
  certificate: CertificateRecord,
  renewal: RenewalUnderWay,
  at: string,
  nextCheckAt?: string,
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
    const recorded = await recordRenewalFailure(deps, certificate.arn, renewal.cycle, 'CAA_ERROR', failures);
    if (!recorded) return 'STOPPED';
    throw new CaaForbiddenError(forbidden.map((verdict) => verdict.message).join('; '));
  }

  const failed = verdicts.filter((verdict) => verdict.outcome === 'LOOKUP_FAILED');
  const notes = new Map<string, LastCheck>(
    failed.map((verdict) => [
      verdict.name,
      { at, outcome: 'CAA_LOOKUP_FAILED', detail: verdict.message, ...(nextCheckAt ? { nextCheckAt } : {}) },
    ]),
  );
  for (const verdict of verdicts.filter((v) => v.outcome === 'PERMITTED')) {
    const earlier = renewal.domainValidations.find((dv) => canonicalDnsName(dv.domainName) === verdict.name);
    if (earlier?.lastCheck?.outcome === 'CAA_LOOKUP_FAILED')
      notes.set(verdict.name, { at, outcome: 'CAA_PERMITTED', detail: verdict.message });
  }
  if (notes.size > 0) {
    const saved = await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) => {
      const underWay = renewalUnderWay(current, renewal.cycle);
      if (!underWay) return undefined;
      const noted = underWay.domainValidations.map((dv) => {
        const lastCheck = notes.get(canonicalDnsName(dv.domainName));
        return lastCheck ? { ...dv, lastCheck } : dv;
      });
      return withRenewalValidations(current, underWay, noted);
    });
    if (!renewalUnderWay(saved, renewal.cycle)) return 'STOPPED';
  }
  return failed.length > 0 ? 'PENDING' : 'PERMITTED';
}
