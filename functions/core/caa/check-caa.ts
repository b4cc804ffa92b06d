import { canonicalDnsName } from '../dns-zones.ts';
import type { CaaRecord, DnsResolver } from '../ports.ts';
import { caaPermits } from './caa-permits.ts';
import { presentCaa } from './caa-presentation.ts';
import { relevantCaaSet } from './relevant-caa-set.ts';

export type CaaVerdict =
  | {
      outcome: 'PERMITTED';
      name: string;
      /** Where the relevant set was found; absent when no name up to the TLD has CAA records. */
      foundAt?: string;
      records: CaaRecord[];
      message: string;
    }
  | { outcome: 'FORBIDDEN'; name: string; foundAt: string; records: CaaRecord[]; message: string }
  /** Not an answer: the lookup failed, so this CA may not issue yet, but a later check may permit it. */
  | { outcome: 'LOOKUP_FAILED'; name: string; failedAt: string; message: string };

export interface CheckCaaDeps {
  resolver: DnsResolver;
  /** settings.caaIdentities */
  identities: readonly string[];
}

/**
 * Whether CAA lets this CA issue a certificate for `name`. A wildcard `*.X` is checked at X, where
 * `issuewild` takes precedence (RFC 8659 §3, §4.3).
 */
export async function checkCaa(name: string, deps: CheckCaaDeps): Promise<CaaVerdict> {
  const canonical = canonicalDnsName(name);
  const wildcard = canonical.startsWith('*.');
  const set = await relevantCaaSet(wildcard ? canonical.slice(2) : canonical, deps.resolver);
  if (set.outcome === 'LOOKUP_FAILED') {
    const { outcome, detail, server } = set.lookup;
    const seen = [outcome, detail, `from ${server}`].filter(Boolean).join(' ');
    return {
      outcome: 'LOOKUP_FAILED',
      name,
      failedAt: set.at,
      message: `CAA lookup at ${set.at} for ${name} failed: ${seen}`,
    };
  }
  if (set.outcome === 'NONE') {
    return { outcome: 'PERMITTED', name, records: [], message: `No CAA records for ${name} or its parents` };
  }

  const decision = caaPermits(set.records, { identities: deps.identities, wildcard });
  const where = `CAA at ${set.at} (${(decision.deciding.length > 0 ? decision.deciding : set.records).map(presentCaa).join(', ')})`;
  const us = identityPhrase(deps.identities);
  if (decision.permitted) {
    const says = decision.deciding.length > 0 ? `permits ${us}` : 'does not restrict issuance';
    return {
      outcome: 'PERMITTED',
      name,
      foundAt: set.at,
      records: decision.deciding,
      message: `${where} ${says} for ${name}`,
    };
  }
  const why = decision.reason === 'CRITICAL_UNKNOWN_TAG' ? ': critical property not understood' : '';
  return {
    outcome: 'FORBIDDEN',
    name,
    foundAt: set.at,
    records: decision.deciding,
    message: `${where} does not permit ${us} for ${name}${why}`,
  };
}

function identityPhrase(identities: readonly string[]): string {
  if (identities.length <= 1) return identities[0] ?? 'this CA';
  return `${identities.slice(0, -1).join(', ')} or ${identities.at(-1)}`;
}
