import type { CaaRecord } from '../ports.ts';

/**
 * Tags whose meaning is known: RFC 8659's three, and RFC 9495's `issuemail`, which governs S/MIME
 * certificates only and so never restricts a TLS certificate (Boulder ignores it likewise).
 */
const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef', 'issuemail']);
const ISSUER_CRITICAL = 128;

export interface CaaRequest {
  /** Issuer domain names that mean this CA (settings.caaIdentities). */
  identities: readonly string[];
  /** The name is a wildcard (`*.example.com`): `issuewild` records, when there are any, decide. */
  wildcard: boolean;
}

export interface CaaDecision {
  permitted: boolean;
  /** The records the decision rests on: the critical unknown ones, or the issue/issuewild ones read. */
  deciding: CaaRecord[];
  /** Why it forbids, when no issuer name decided it. */
  reason?: 'CRITICAL_UNKNOWN_TAG';
}

/**
 * Whether a relevant CAA RRset (RFC 8659 §4) lets this CA issue. An unknown tag marked critical forbids
 * everything; `iodef` and unknown non-critical tags are ignored; without any `issue`/`issuewild` record
 * (for a wildcard: `issuewild`, else `issue`) CAA does not restrict issuance.
 */
export function caaPermits(set: readonly CaaRecord[], request: CaaRequest): CaaDecision {
  const critical = set.filter(
    (record) => (record.flags & ISSUER_CRITICAL) !== 0 && !KNOWN_TAGS.has(record.tag.toLowerCase()),
  );
  if (critical.length > 0) return { permitted: false, deciding: critical, reason: 'CRITICAL_UNKNOWN_TAG' };

  const withTag = (tag: string) => set.filter((record) => record.tag.toLowerCase() === tag);
  const issuewild = withTag('issuewild');
  const deciding = request.wildcard && issuewild.length > 0 ? issuewild : withTag('issue');
  if (deciding.length === 0) return { permitted: true, deciding };

  const identities = new Set(request.identities.map((identity) => identity.toLowerCase()));
  const permitted = deciding.some((record) => {
    const issuer = issuerDomainName(record.value);
    return issuer !== '' && identities.has(issuer);
  });
  return { permitted, deciding };
}

/**
 * The issuer domain name of an `issue`/`issuewild` value (RFC 8659 §4.2): what comes before any `;`
 * parameters, trimmed and lowercased. Empty (`;`) names no one.
 */
export function issuerDomainName(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}
