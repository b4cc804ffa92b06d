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
}

/**
 * Looks for the validation record: a CNAME at the record's name pointing at its value, or, for DNS hosts
 * that cannot publish a CNAME at an underscore name, a TXT record there whose text is that value.
 */
export async function findDnsProof(resolver: DnsResolver, record: ResourceRecord): Promise<DnsProof> {
  const name = withoutTrailingDot(record.Name);
  const cname = await resolver.resolveCname(name);
  if (cname.outcome === 'FOUND') {
    if (cname.values.some((value) => sameDnsName(value, record.Value)))
      return { proven: true, outcome: 'CNAME_MATCH' };
    return { proven: false, outcome: 'CNAME_MISMATCH', detail: cname.values.join(', ') };
  }
  if (cname.outcome === 'NXDOMAIN') return { proven: false, outcome: 'NXDOMAIN' };
  if (cname.outcome !== 'NODATA') return resolverError(cname);

  const txt = await resolver.resolveTxt(name);
  if (txt.outcome === 'FOUND') {
    if (txt.values.some((value) => sameDnsName(value.trim(), record.Value)))
      return { proven: true, outcome: 'TXT_MATCH' };
    return { proven: false, outcome: 'TXT_MISMATCH', detail: txt.values.join(', ') };
  }
  if (txt.outcome === 'NODATA' || txt.outcome === 'NXDOMAIN') return { proven: false, outcome: 'NO_RECORD' };
  return resolverError(txt);
}

function resolverError(lookup: DnsLookup): DnsProof {
  const detail = [lookup.outcome, lookup.detail, `from ${lookup.server}`].filter(Boolean).join(' ');
  return { proven: false, outcome: 'RESOLVER_ERROR', detail };
}
