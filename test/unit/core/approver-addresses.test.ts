import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPROVER_MAILBOXES,
  approverAddresses,
  approverDomain,
} from '../../../functions/core/approvals/approver-addresses.ts';
import { checkDomainName } from '../../../functions/core/domain-names.ts';

describe('approverAddresses', () => {
  it('names the five system mailboxes at the domain', () => {
    expect(approverAddresses('example.com')).toEqual([
      'admin@example.com',
      'administrator@example.com',
      'hostmaster@example.com',
      'postmaster@example.com',
      'webmaster@example.com',
    ]);
  });

  it.each([
    ['www.example.com', 'example.com'],
    ['*.example.com', 'example.com'],
    ['*.app.example.com', 'app.example.com'],
    ['app.example.com', 'app.example.com'],
    ['WWW.Example.COM', 'example.com'],
    ['wwwx.example.com', 'wwwx.example.com'],
    ['www.com', 'www.com'],
  ])('without a ValidationDomain, mails %s at %s', (domainName, expected) => {
    expect(approverDomain(domainName)).toBe(expected);
    expect(approverAddresses(domainName)[0]).toBe(`admin@${expected}`);
  });

  it('mails a given ValidationDomain as it is, www. included', () => {
    expect(approverAddresses('shop.example.com', 'example.com')[4]).toBe('webmaster@example.com');
    expect(approverDomain('www.example.com', 'www.example.com')).toBe('www.example.com');
    expect(approverDomain('*.example.com', 'Example.com')).toBe('example.com');
    expect(approverDomain('*.example.com', '*.example.com')).toBe('example.com');
  });
});

/** 2–4 labels of letters, digits and inner hyphens, optionally under `*.` or `www.`. */
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const name = fc
  .tuple(fc.constantFrom('', '*.', 'www.'), fc.array(label, { minLength: 1, maxLength: 3 }), label)
  .filter(([, , last]) => last.length >= 2)
  .map(([prefix, head, last]) => `${prefix}${[...head, last].join('.')}`);

describe('approver address properties', () => {
  it('gives five distinct addresses, one per mailbox, all at one well-formed domain the name ends with', () => {
    fc.assert(
      fc.property(name, (domainName) => {
        const addresses = approverAddresses(domainName);
        const domain = approverDomain(domainName);
        expect(addresses).toEqual(APPROVER_MAILBOXES.map((mailbox) => `${mailbox}@${domain}`));
        expect(new Set(addresses).size).toBe(5);
        expect(() => checkDomainName(domain, 'validationDomain')).not.toThrow();
        expect(domainName === domain || domainName.endsWith(`.${domain}`)).toBe(true);
        expect(domain.startsWith('*.')).toBe(false);
      }),
    );
  });

  it('strips at most one leading www. or *., and only when two labels remain', () => {
    fc.assert(
      fc.property(name, (domainName) => {
        const domain = approverDomain(domainName);
        const stripped = domainName.length - domain.length;
        expect([0, 2, 4]).toContain(stripped);
        if (stripped > 0) expect(['*.', 'www.']).toContain(domainName.slice(0, stripped));
        if (domainName.startsWith('*.')) expect(domain).toBe(domainName.slice(2));
      }),
    );
  });

  it('uses a given ValidationDomain, lowercased and without a wildcard label, whatever the name', () => {
    fc.assert(
      fc.property(name, name, (domainName, given) => {
        const expected = given.startsWith('*.') ? given.slice(2) : given;
        expect(approverDomain(domainName, given.toUpperCase())).toBe(expected);
      }),
    );
  });
});
