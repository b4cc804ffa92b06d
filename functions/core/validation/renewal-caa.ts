import { caaForbiddenError, caaNotes, certificateCaaVerdicts, forbiddenChecks } from '../caa/caa-gate.ts';
import type { CaaGateOutcome, EnforceCaaDeps } from '../caa/enforce-caa.ts';
import { recordRenewalFailure } from '../certificates/record-failure.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import { canonicalDnsName } from '../dns-zones.ts';
import type { CertificateRecord } from '../model.ts';
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
  const verdicts = await certificateCaaVerdicts(deps, certificate);
  if (verdicts.forbidden.length > 0) {
    const failures = forbiddenChecks(verdicts.forbidden, at);
    const recorded = await recordRenewalFailure(deps, certificate.arn, renewal.cycle, 'CAA_ERROR', failures);
    if (!recorded) return 'STOPPED';
    throw caaForbiddenError(verdicts.forbidden);
  }
  const earlierCheck = (name: string) =>
    renewal.domainValidations.find((dv) => canonicalDnsName(dv.domainName) === name)?.lastCheck;
  const notes = caaNotes(verdicts, earlierCheck, at, nextCheckAt);
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
  return verdicts.failed.length > 0 ? 'PENDING' : 'PERMITTED';
}
