import { canonicalDnsName } from '../dns-zones.ts';
import { CaaForbiddenError } from '../errors.ts';
import type { CertificateRecord, LastCheck } from '../model.ts';
import type { DnsResolver } from '../ports.ts';
import { type CaaVerdict, checkCaa } from './check-caa.ts';

/** A certificate's CAA verdicts, name by name, sorted by what the issuance gate does with them. */
export interface CaaGateVerdicts {
  forbidden: CaaVerdict[];
  failed: CaaVerdict[];
  permitted: CaaVerdict[];
}

/** CAA for every distinct name of the certificate, looked up at once. */
export async function certificateCaaVerdicts(
  deps: { resolver: DnsResolver; caaIdentities: readonly string[] },
  certificate: CertificateRecord,
): Promise<CaaGateVerdicts> {
  const names = [...new Set(certificate.subjectAlternativeNames.map(canonicalDnsName))];
  const verdicts = await Promise.all(
    names.map((name) => checkCaa(name, { resolver: deps.resolver, identities: deps.caaIdentities })),
  );
  return {
    forbidden: verdicts.filter((verdict) => verdict.outcome === 'FORBIDDEN'),
    failed: verdicts.filter((verdict) => verdict.outcome === 'LOOKUP_FAILED'),
    permitted: verdicts.filter((verdict) => verdict.outcome === 'PERMITTED'),
  };
}

/** The lastCheck recorded on each name CAA forbids, for the failure's write. */
export function forbiddenChecks(forbidden: CaaVerdict[], at: string) {
  return forbidden.map((verdict) => ({
    domainName: verdict.name,
    lastCheck: { at, outcome: 'CAA_FORBIDDEN', detail: verdict.message },
  }));
}

export function caaForbiddenError(forbidden: CaaVerdict[]): CaaForbiddenError {
  return new CaaForbiddenError(forbidden.map((verdict) => verdict.message).join('; '));
}

/**
 * The notes to write on names' lastCheck: a failed lookup (with the next check's time, if planned), and, on
 * a name whose lastCheck still shows an earlier failed lookup, the answer that now permits.
 */
export function caaNotes(
  verdicts: CaaGateVerdicts,
  earlierCheck: (name: string) => LastCheck | undefined,
  at: string,
  nextCheckAt?: string,
): Map<string, LastCheck> {
  const notes = new Map<string, LastCheck>(
    verdicts.failed.map((verdict) => [
      verdict.name,
      { at, outcome: 'CAA_LOOKUP_FAILED', detail: verdict.message, ...(nextCheckAt ? { nextCheckAt } : {}) },
    ]),
  );
  for (const verdict of verdicts.permitted) {
    if (earlierCheck(verdict.name)?.outcome === 'CAA_LOOKUP_FAILED')
      notes.set(verdict.name, { at, outcome: 'CAA_PERMITTED', detail: verdict.message });
  }
  return notes;
}
