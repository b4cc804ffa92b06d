import { parse } from 'tldts';
import { baseDomain } from '../domain-names.ts';

/**
 * Whether `name` is itself a public suffix under a rule of the Public Suffix List's ICANN section (`com`,
 * `co.uk`, `foo.ck` under `*.ck`; `www.ck` is not, by its exception rule). Private-section entries
 * (`github.io`) do not count, and neither do names only the list's implicit `*` rule would make suffixes:
 * top-level domains the list does not name (`internal`, `test`, `local`) are not public suffixes here.
 */
export function isIcannPublicSuffix(name: string): boolean {
  const lower = name.toLowerCase();
  const parsed = parse(lower, { allowPrivateDomains: false, extractHostname: false });
  return parsed.isIcann === true && parsed.publicSuffix === lower;
}

/**
 * Whether a certificate for `certificateName` would be for a public suffix: the name is one, or it is a
 * wildcard directly under one (`*.co.uk`). `*.example.co.uk` is not. `ownZone` tells the names inside the
 * deployment's own DNS zones (its local zones or Route 53 hosted zones); they are never refused here, so a
 * zone such as `home.arpa`, which the list names, can hold certificates for itself and `*.home.arpa`.
 */
export function isPublicSuffixName(certificateName: string, ownZone: (name: string) => boolean): boolean {
  const base = baseDomain(certificateName.toLowerCase());
  return isIcannPublicSuffix(base) && !ownZone(base);
}
