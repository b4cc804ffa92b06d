import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainAddress, whoisContacts } from '../../../functions/core/approvals/whois-contacts.ts';

/** A registrar's answer for a .com name in the gTLD registration data format, contacts published. */
const REGISTRAR_COM = `Domain Name: SAMPLE-HOLDINGS.COM
Registry Domain ID: 2336799_DOMAIN_COM-VRSN
Registrar WHOIS Server: whois.registrar.example
Registrar URL: http://www.registrar.example
Updated Date: 2025-08-14T07:01:44Z
Creation Date: 2011-08-13T04:00:00Z
Registrar Registration Expiration Date: 2026-08-13T04:00:00Z
Registrar: Example Registrar, LLC
Registrar IANA ID: 9999
Registrar Abuse Contact Email: abuse@registrar.example
Registrar Abuse Contact Phone: +1.5555550100
Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited
Registry Registrant ID:
Registrant Name: Jane Doe
Registrant Organization: Sample Holdings Ltd
Registrant Street: 1 Main Street
Registrant City: Springfield
Registrant Country: US
Registrant Phone: +1.5555550101
Registrant Email: Jane.Doe@Sample-Holdings.net
Registry Admin ID:
Admin Name: Domain Administrator
Admin Organization: Sample Holdings Ltd
Admin Phone: +1.5555550102
Admin Email: hostmaster@sample-holdings.net
Registry Tech ID:
Tech Name: NOC
Tech Organization: DNS Operator Inc
Tech Phone: +1.5555550103
Tech Email: noc@dns-operator.net
Billing Email: invoices@sample-holdings.net
Name Server: NS1.DNS-OPERATOR.NET
DNSSEC: unsigned
URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/
>>> Last update of WHOIS database: 2026-03-01T12:00:00Z <<<
`;

/** A thin registry's answer (.com at the registry): the registrar's abuse contact, nobody else. */
const THIN_REGISTRY_COM = `   Domain Name: SAMPLE-HOLDINGS.COM
   Registry Domain ID: 2336799_DOMAIN_COM-VRSN
   Registrar WHOIS Server: whois.registrar.example
   Registrar: Example Registrar, LLC
   Registrar IANA ID: 9999
   Registrar Abuse Contact Email: abuse@registrar.example
   Registrar Abuse Contact Phone: +1.5555550100
   Name Server: NS1.DNS-OPERATOR.NET
   DNSSEC: unsigned
>>> Last update of whois database: 2026-03-01T12:00:00Z <<<
`;

/** A .org registry answer with the contacts withheld, CRLF line ends as servers send them. */
const REDACTED_ORG = [
  'Domain Name: sample-foundation.org',
  'Registry Domain ID: 5a1b2c3d4e5f-LROR',
  'Registrar: Example Registrar, LLC',
  'Registrant Name: REDACTED FOR PRIVACY',
  'Registrant Organization: Sample Foundation',
  'Registrant Email: Please query the RDDS service of the Registrar of Record identified in this output for information on how to contact the Registrant, Admin, or Tech contact of the queried domain name.',
  'Admin Email: Please query the RDDS service of the Registrar of Record identified in this output for information on how to contact the Registrant, Admin, or Tech contact of the queried domain name.',
  'Tech Email: REDACTED FOR PRIVACY',
  'Registrar Abuse Contact Email: abuse@registrar.example',
  '',
].join('\r\n');

/** Redactions that look like addresses, and a web form instead of an address. */
const PLACEHOLDERS = `Registrant Email: redacted@redacted.invalid
Admin Email: REDACTED@privacy-service.example.net
Tech Email: https://whois.registrar.example/contact-form?domain=sample.net
Registrant Email: owner@sample.invalid
`;

/** Older labels (.us, .biz, some registrars), one address for two roles. */
const OLDER_LABELS = `Domain Name:                                 sample-shop.us
Registrant Contact Email:                    Owner@Sample-Shop.us
Administrative Contact Email:                owner@sample-shop.us
Technical Contact E-mail:                    dns@hosting-provider.com
Billing Contact Email:                       billing@sample-shop.us
`;

describe('whoisContacts', () => {
  it('reads the registrant, admin and tech addresses of a registrar answer, lowercased', () => {
    expect(whoisContacts(REGISTRAR_COM)).toEqual([
      'jane.doe@sample-holdings.net',
      'hostmaster@sample-holdings.net',
      'noc@dns-operator.net',
    ]);
  });

  it('takes neither the registrar abuse contact nor the billing contact', () => {
    expect(whoisContacts(THIN_REGISTRY_COM)).toEqual([]);
    expect(whoisContacts(REGISTRAR_COM)).not.toContain('abuse@registrar.example');
    expect(whoisContacts(REGISTRAR_COM)).not.toContain('invoices@sample-holdings.net');
  });

  it('finds nothing in an answer whose contacts are redacted', () => {
    expect(whoisContacts(REDACTED_ORG)).toEqual([]);
    expect(whoisContacts(PLACEHOLDERS)).toEqual([]);
  });

  it('reads the older labels and lists an address given for several roles once', () => {
    expect(whoisContacts(OLDER_LABELS)).toEqual(['owner@sample-shop.us', 'dns@hosting-provider.com']);
  });

  it('takes the first usable address of a role, skipping a redacted one before it', () => {
    const answer = [
      'Registrant Email: REDACTED FOR PRIVACY',
      'Registrant Email: first@sample.net',
      'Registrant Email: second@sample.net',
      'Tech Email: tech@sample.net',
      'Tech Email: other-tech@sample.net',
    ].join('\n');
    expect(whoisContacts(answer)).toEqual(['first@sample.net', 'tech@sample.net']);
  });

  it('needs the label at the start of a line and the whole value to be one address', () => {
    const answer = [
      'Note: Registrant Email: hidden@sample.net',
      'Registrant Email: a@sample.net, b@sample.net',
      'Admin Email: Admin <admin@sample.net>',
      'Tech Email: mailto:tech@sample.net',
    ].join('\n');
    expect(whoisContacts(answer)).toEqual([]);
  });

  it('finds nothing in an empty answer, a "no match" answer or binary garbage', () => {
    expect(whoisContacts('')).toEqual([]);
    expect(whoisContacts('No match for "NOWHERE-SAMPLE.COM".\r\n')).toEqual([]);
    expect(whoisContacts('\u0000\u00ff\ufffd Registrant Email:\u0000 x@y.z\u0007')).toEqual([]);
  });
});

describe('isPlainAddress', () => {
  it.each([
    'owner@sample.net',
    'first.last+tag@mail.sample-holdings.co.uk',
    'dns_ops@xn--bcher-kva.example',
    'a1b2c3d4e5@withheldforprivacy.com',
  ])('accepts %s', (address) => {
    expect(isPlainAddress(address)).toBe(true);
  });

  it.each([
    ['upper case', 'Owner@sample.net'],
    ['no domain dot', 'owner@localhost'],
    ['a leading dot', '.owner@sample.net'],
    ['two dots', 'own..er@sample.net'],
    ['a quoted local part', '"owner"@sample.net'],
    ['a space', 'own er@sample.net'],
    ['a line break', 'owner@sample.net\r\nBcc: victim@sample.net'],
    ['a trailing dot', 'owner@sample.net.'],
    ['an IP literal', 'owner@[192.0.2.1]'],
    ['two at signs', 'owner@relay@sample.net'],
    ['a numeric top-level domain', 'owner@sample.123'],
    ['a label starting with a hyphen', 'owner@-sample.net'],
    ['a redaction placeholder', 'redacted@sample.net'],
    ['an .invalid domain', 'owner@sample.invalid'],
    ['a local part over 64 characters', `${'a'.repeat(65)}@sample.net`],
    ['more than 254 characters', `owner@${['a', 'b', 'c', 'd'].map((c) => c.repeat(63)).join('.')}.net`],
  ])('refuses %s', (_, address) => {
    expect(isPlainAddress(address)).toBe(false);
  });
});

const atom = fc.stringMatching(/^[a-z0-9_+-]{1,12}$/);
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
const plainAddress = fc
  .tuple(
    fc.array(atom, { minLength: 1, maxLength: 3 }),
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[a-z]{2,6}$/),
  )
  .map(([local, domain, tld]) => `${local.join('.')}@${[...domain, tld].join('.')}`)
  .filter((address) => !address.includes('redacted'));
/** Lines a WHOIS answer has besides the contacts: anything without a line break. */
const otherLine = fc.string({ maxLength: 80 }).map((line) => line.replace(/[\r\n]/g, ' '));
const role = fc.constantFrom(
  ['Registrant Email', 0],
  ['Admin Email', 1],
  ['Administrative Contact Email', 1],
  ['Tech Email', 2],
  ['Technical Contact E-mail', 2],
) as fc.Arbitrary<[string, number]>;

function randomCase(value: string, flips: boolean[]): string {
  return [...value].map((character, index) => (flips[index] ? character.toUpperCase() : character)).join('');
}

describe('whoisContacts properties', () => {
  it('answers at most three distinct plain lowercase addresses for any text, and never throws', () => {
    const contactLine = fc
      .tuple(role, fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), plainAddress))
      .map(([[labelText], value]) => `${labelText}: ${value}`);
    const answer = fc.oneof(
      fc.string({ maxLength: 2000, unit: 'binary' }),
      fc.array(fc.oneof(otherLine, contactLine), { maxLength: 12 }).map((lines) => lines.join('\r\n')),
    );
    fc.assert(
      fc.property(answer, (text) => {
        const contacts = whoisContacts(text);
        expect(contacts.length).toBeLessThanOrEqual(3);
        expect(new Set(contacts).size).toBe(contacts.length);
        for (const address of contacts) expect(isPlainAddress(address)).toBe(true);
      }),
    );
  });

  it('finds a contact line among any other lines, in any letter case, with CRLF or LF line ends', () => {
    fc.assert(
      fc.property(
        fc.array(otherLine, { maxLength: 8 }),
        fc.array(otherLine, { maxLength: 8 }),
        role,
        plainAddress,
        fc.array(fc.boolean(), { maxLength: 80 }),
        fc.constantFrom('\n', '\r\n'),
        (before, after, [labelText], address, flips, newline) => {
          const noise = [...before, ...after].filter((line) => !/e-?mail\s*:/i.test(line));
          const answer = [
            ...noise.slice(0, before.length),
            `${labelText}: ${randomCase(address, flips)}`,
            ...noise.slice(before.length),
          ].join(newline);
          expect(whoisContacts(answer)).toEqual([address]);
        },
      ),
    );
  });

  it('orders the roles registrant, admin, tech and drops repeats, whatever order the answer has', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(role, plainAddress), { minLength: 1, maxLength: 6 }), (lines) => {
        const answer = lines.map(([[labelText], address]) => `${labelText}: ${address}`).join('\n');
        const firstByRole = new Map<number, string>();
        for (const [[, index], address] of lines)
          if (!firstByRole.has(index)) firstByRole.set(index, address);
        const expected = [0, 1, 2].flatMap((index) => firstByRole.get(index) ?? []);
        expect(whoisContacts(answer)).toEqual([...new Set(expected)]);
      }),
    );
  });

  it('never takes a value with anything around the address', () => {
    fc.assert(
      fc.property(
        role,
        plainAddress,
        fc.constantFrom('<', '"', 'mailto:', 'Jane ', '.', ',', '\u0000'),
        fc.constantFrom('', '>', '"', ' (Jane)', '.', ',', ';', ' x', '\u0000'),
        ([labelText], address, prefix, suffix) => {
          expect(whoisContacts(`${labelText}: ${prefix}${address}${suffix}`)).toEqual([]);
        },
      ),
    );
  });
});
