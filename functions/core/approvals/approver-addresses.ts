import { baseDomain } from '../domain-names.ts';
import type { DomainValidation } from '../model.ts';

/** The mailboxes ACM writes to at the validation domain (WHOIS contacts, when enabled, come on top). */
export const APPROVER_MAILBOXES = [
  'admin',
  'administrator',
  'hostmaster',
  'postmaster',
  'webmaster',
] as const;

const STRIPPED_PREFIXES = ['*.', 'www.'];

/**
 * The domain the approver addresses are at. A ValidationDomain the request gave is used as it is (only a
 * wildcard's `*.` is dropped: no mailbox lives there); without one, ACM mails the domain name without a
 * leading `*.` or `www.` (www.example.com → example.com), unless that would leave a single label.
 */
export function approverDomain(domainName: string, givenValidationDomain?: string): string {
  if (givenValidationDomain !== undefined) return baseDomain(givenValidationDomain.toLowerCase());
  const name = domainName.toLowerCase();
  const prefix = STRIPPED_PREFIXES.find((candidate) => name.startsWith(candidate));
  const rest = prefix ? name.slice(prefix.length) : name;
  return prefix && rest.includes('.') ? rest : name;
}

/** The five approver addresses for a name: admin@, administrator@, hostmaster@, postmaster@, webmaster@. */
export function approverAddresses(domainName: string, givenValidationDomain?: string): string[] {
  const domain = approverDomain(domainName, givenValidationDomain);
  return APPROVER_MAILBOXES.map((mailbox) => `${mailbox}@${domain}`);
}

/**
 * The domain a recorded EMAIL validation's approver addresses are at: that of its first address, since the
 * five come first and any WHOIS contacts (at domains of their own) after them.
 */
export function recordedApproverDomain(dv: DomainValidation): string {
  const first = dv.validationEmails?.[0];
  return first === undefined ? dv.validationDomain : first.slice(first.lastIndexOf('@') + 1);
}
