import type { ResourceRecord } from '../model.ts';
import type { DnsLookup, DnsResolver } from '../ports.ts';
import { sameDnsName, withoutTrailingDot } from './validation-record.ts';

export type DnsProofOutcome =
  | 'CNAME_MATCH'
  | 'TXT_MATCH'
  | 'CNAME_MISMATCH'
  | 'TXT_MISMATCH'
  | 'NO_RECORD'
  | 'NXDOMAIN'
  | 'RESOLVER_ERROR';

export interface DnsProof {
  proven: boolean;
  outcome: DnsProofOutcome;
  /** What was found instead, or what went wrong, for the user to read. */
  detail?: string;
  /** The record values found when none was the expected one. */
  found?: string[];
  /** The DNS server that gave the deciding answer (or the servers tried). */
  server?: string;
}

/**
 * Looks for the validation record: a CNAME at the record's name pointing at its value, or, for DNS hosts
 * that cannot publish a CNAME at an underscore name, a TXT record there whose text is that value.
 */
export async function findDnsProof(resolver: DnsResolver, record: ResourceRecord): Promise<DnsProof> {
  const name = withoutTrailingDot(record.Name);
  const cname = await resolver.resolveCname(name);
  const server = cname.server;
  if (cname.outcome === 'FOUND') {
    if (cname.values.some((value) => sameDnsName(value, record.Value)))
      return { proven: true, outcome: 'CNAME_MATCH', server };
    return mismatch('CNAME_MISMATCH', cname);
  }
  if (cname.outcome === 'NXDOMAIN') return { proven: false, outcome: 'NXDOMAIN', server };
  if (cname.outcome !== 'NODATA') return resolverError(cname);

  const txt = await resolver.resolveTxt(name);
  if (txt.outcome === 'FOUND') {
    if (txt.values.some((value) => sameDnsName(value.trim(), record.Value)))
      return { proven: true, outcome: 'TXT_MATCH', server: txt.server };
    return mismatch('TXT_MISMATCH', txt);
  }
  if (txt.outcome === 'NODATA' || txt.outcome === 'NXDOMAIN')
    return { proven: false, outcome: 'NO_RECORD', server: txt.server };
  return resolverError(txt);
}

function mismatch(outcome: 'CNAME_MISMATCH' | 'TXT_MISMATCH', lookup: DnsLookup): DnsProof {
  const { values, server } = lookup;
  return { proven: false, outcome, detail: values.join(', '), found: values, server };
}

function resolverError(lookup: DnsLookup): DnsProof {
  const detail = [lookup.outcome, lookup.detail, `from ${lookup.server}`].filter(Boolean).join(' ');
  return { proven: false, outcome: 'RESOLVER_ERROR', detail, server: lookup.server };
}
