import type { DomainValidation } from '../model.ts';
import type { WhoisLookup } from '../ports.ts';
import { recordedApproverDomain } from './approver-addresses.ts';
import { isPlainAddress } from './whois-contacts.ts';

/**
 * The WHOIS contacts to mail for each domain validation, by domain name; empty without a WhoisLookup.
 *
 * The query is the domain the approver addresses are at (the ValidationDomain, or the name less `www.` or
 * `*.`), as it is: no public suffix is computed, so a registry answers only when that is the registered
 * domain. Each domain is asked once, all at the same time, so a slow server costs one timeout per step.
 * A lookup that fails anyway, or answers something that is not a plain address, adds nothing.
 */
export async function whoisApprovers(
  whois: WhoisLookup | undefined,
  validations: readonly DomainValidation[],
): Promise<Map<string, string[]>> {
  const approvers = new Map<string, string[]>();
  if (!whois || validations.length === 0) return approvers;
  const domains = [...new Set(validations.map(recordedApproverDomain))];
  const answers = await Promise.all(
    domains.map((domain) =>
      whois.contacts(domain).then(
        (contacts) => contacts.map((address) => address.toLowerCase()).filter(isPlainAddress),
        () => [],
      ),
    ),
  );
  const byDomain = new Map(domains.map((domain, index) => [domain, answers[index] ?? []]));
  for (const dv of validations) approvers.set(dv.domainName, byDomain.get(recordedApproverDomain(dv)) ?? []);
  return approvers;
}
