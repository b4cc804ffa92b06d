/**
 * The contacts ACM also mails for EMAIL validation, read from a WHOIS answer (RFC 3912 text): the
 * registrant, administrative and technical contacts. Registrar abuse and billing contacts are not approvers.
 */
export const WHOIS_CONTACT_ROLES = ['registrant', 'administrative', 'technical'] as const;
export type WhoisContactRole = (typeof WHOIS_CONTACT_ROLES)[number];

/**
 * `Registrant Email:`, `Admin Email:`, `Tech Email:` (the gTLD registration data format), and the older
 * `Administrative Contact Email:`, `Technical Contact E-mail:` and the like.
 */
const CONTACT_LINE =
  /^[ \t]*(registrant|admin(?:istrative)?|tech(?:nical)?)(?:[ \t]+contact)?[ \t]+e-?mail[ \t]*:[ \t]*(.*?)[ \t]*$/gim;

const ROLE_BY_LABEL: Record<string, WhoisContactRole> = {
  registrant: 'registrant',
  admin: 'administrative',
  administrative: 'administrative',
  tech: 'technical',
  technical: 'technical',
};

/**
 * A dot-atom local part of common characters, at an LDH domain of two labels or more. Deliberately narrower
 * than RFC 5322: anything else in a WHOIS answer is more likely a placeholder than a mailbox.
 */
const PLAIN_ADDRESS =
  /^[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const MAX_LOCAL_PART = 64;
const MAX_ADDRESS = 254;
/** Redaction placeholders that are shaped like an address, e.g. `redacted@redacted.invalid`. */
const PLACEHOLDER = /redacted|\.invalid$/;

/** True for a lowercase address plain enough to mail: see PLAIN_ADDRESS. */
export function isPlainAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return (
    address.length <= MAX_ADDRESS &&
    at > 0 &&
    at <= MAX_LOCAL_PART &&
    PLAIN_ADDRESS.test(address) &&
    !PLACEHOLDER.test(address)
  );
}

/**
 * The contact addresses in a WHOIS answer: the first usable address of each role, registrant first,
 * lowercased, without duplicates. Redacted or placeholder values ("REDACTED FOR PRIVACY", "Please query the
 * RDDS service of the Registrar of Record ...", a web form's URL) are skipped, so an answer from a registry
 * that hides its contacts gives none. At most one address per role, whatever the answer repeats.
 */
export function whoisContacts(answer: string): string[] {
  const found = new Map<WhoisContactRole, string>();
  for (const [, label, value] of answer.matchAll(CONTACT_LINE)) {
    const role = ROLE_BY_LABEL[(label ?? '').toLowerCase()];
    const address = (value ?? '').toLowerCase();
    if (role && !found.has(role) && isPlainAddress(address)) found.set(role, address);
  }
  const addresses = WHOIS_CONTACT_ROLES.flatMap((role) => found.get(role) ?? []);
  return [...new Set(addresses)];
}
