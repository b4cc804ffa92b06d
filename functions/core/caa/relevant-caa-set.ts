import { canonicalDnsName } from '../dns-zones.ts';
import type { CaaRecord, DnsLookup, DnsResolver } from '../ports.ts';

export type RelevantCaaSet =
  /** The closest non-empty CAA RRset, found at `at` (the name itself or an ancestor). */
  | { outcome: 'FOUND'; at: string; records: CaaRecord[]; server: string }
  /** No name from the name up to its top-level domain has CAA records: CAA does not restrict issuance. */
  | { outcome: 'NONE' }
  /** The lookup at `at` did not answer; a set there or below it may be hidden, so nothing is known. */
  | { outcome: 'LOOKUP_FAILED'; at: string; lookup: DnsLookup };

/** The names RFC 8659 §3 climbs for `name`: the name, then each parent, down to the TLD (never the root). */
export function caaClimb(name: string): string[] {
  const labels = canonicalDnsName(name).split('.');
  return labels.map((_, index) => labels.slice(index).join('.'));
}

/**
 * RFC 8659 §3 RelevantCAASet: the first non-empty CAA RRset on the way from `name` towards the root. CNAMEs
 * are left to the resolver (normal resolution); a CNAME target's parents are not climbed (RFC 8659 dropped
 * that rule). Fails closed: any answer other than records, NXDOMAIN or NODATA stops the climb, because the
 * set it hides might forbid issuance. The climb is sequential so a found set ends it with no further queries.
 */
export async function relevantCaaSet(name: string, resolver: DnsResolver): Promise<RelevantCaaSet> {
  for (const at of caaClimb(name)) {
    const lookup = await resolver.resolveCaa(at);
    if (lookup.outcome === 'NXDOMAIN' || lookup.outcome === 'NODATA') continue;
    const records = lookup.caa ?? [];
    // FOUND without records is no evidence of absence: treated as a failure like any other odd answer.
    if (lookup.outcome === 'FOUND' && records.length > 0)
      return { outcome: 'FOUND', at, records, server: lookup.server };
    return { outcome: 'LOOKUP_FAILED', at, lookup };
  }
  return { outcome: 'NONE' };
}
