import { domainToUnicode } from 'node:url';
import { checkLength, constraintViolation } from './constraint-violation.ts';
import { InvalidDomainValidationOptionsError, LimitExceededError, type ValidationError } from './errors.ts';

/** ACM's DomainNameString pattern, as the model states it and as its error messages quote it. */
const DOMAIN_NAME_PATTERN_SOURCE =
  '(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])';
// No `i` flag: with it, non-ASCII letters such as U+212A KELVIN SIGN would case-fold into [A-Za-z].
const DOMAIN_NAME_PATTERN = new RegExp(`^${DOMAIN_NAME_PATTERN_SOURCE}$`);

const MAX_DOMAIN_NAME_LENGTH = 253;
const MAX_SUBJECT_ALTERNATIVE_NAMES = 100;
/** The CN field of a certificate is at most 64 octets (RFC 5280 ub-common-name). */
const MAX_FIRST_NAME_LENGTH = 64;

function patternViolation(name: string, field: string): ValidationError {
  return constraintViolation(
    name,
    field,
    `Member must satisfy regular expression pattern: ${DOMAIN_NAME_PATTERN_SOURCE}`,
  );
}

/**
 * Certwright's one addition to ACM's pattern: an `xn--` label must be a valid IDNA A-label, because a
 * publicly trusted certificate must not carry an undecodable one, and refusing it up front beats failing at
 * issuance.
 */
function hasInvalidPunycodeLabel(name: string): boolean {
  return name
    .split('.')
    .some((label) => label.toLowerCase().startsWith('xn--') && domainToUnicode(label) === '');
}

/**
 * Throws a ValidationException for a name ACM would refuse. `field` is the lower-camel wire path, e.g.
 * `domainName` or `subjectAlternativeNames.3.member`.
 */
export function checkDomainName(name: string, field: string): void {
  checkLength(name, field, 1, MAX_DOMAIN_NAME_LENGTH);
  if (!DOMAIN_NAME_PATTERN.test(name)) throw patternViolation(name, field);
  if (hasInvalidPunycodeLabel(name)) {
    throw constraintViolation(name, field, 'Member must contain only valid punycode (xn--) labels');
  }
}

/** Lowercases ASCII letters only (names are ASCII by then). A trailing dot is refused, as ACM does. */
export function normalizeDomainName(name: string, field = 'domainName'): string {
  if (name.endsWith('.')) throw patternViolation(name, field);
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

export function isWildcard(name: string): boolean {
  return name.startsWith('*.');
}

/** The name without a leading `*.`: the name whose DNS record validates a wildcard. */
export function baseDomain(name: string): string {
  return isWildcard(name) ? name.slice(2) : name;
}

function describeList(values: string[]): string {
  return `[${values.join(', ')}]`;
}

/**
 * Validates DomainName and SubjectAlternativeNames as RequestCertificate does and returns every name on the
 * certificate, normalized, DomainName first, without duplicates. `maxNames` counts DomainName.
 */
export function collectCertificateNames(
  domainName: string,
  subjectAlternativeNames: string[] | undefined,
  maxNames: number,
): string[] {
  checkDomainName(domainName, 'domainName');
  if (subjectAlternativeNames !== undefined) {
    const count = subjectAlternativeNames.length;
    if (count < 1 || count > MAX_SUBJECT_ALTERNATIVE_NAMES) {
      const bound =
        count < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_SUBJECT_ALTERNATIVE_NAMES}`;
      throw constraintViolation(
        describeList(subjectAlternativeNames),
        'subjectAlternativeNames',
        `Member must have length ${bound}`,
      );
    }
    subjectAlternativeNames.forEach((name, index) => {
      checkDomainName(name, `subjectAlternativeNames.${index + 1}.member`);
    });
  }

  const names = [
    ...new Set([domainName, ...(subjectAlternativeNames ?? [])].map((name) => normalizeDomainName(name))),
  ];
  if (names.length > maxNames) throw new LimitExceededError('Certificate has too many domains.');
  // Names are ASCII once validated, so characters are octets.
  if (domainName.length > MAX_FIRST_NAME_LENGTH) {
    throw new InvalidDomainValidationOptionsError(
      'The first domain name can be no longer than 64 characters.',
    );
  }
  return names;
}
