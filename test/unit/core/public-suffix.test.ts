import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIcannPublicSuffix, isPublicSuffixName } from '../../../functions/core/policy/public-suffix.ts';

const noZones = () => false;

describe('isIcannPublicSuffix', () => {
  it.each([
    'com',
    'uk',
    'co.uk',
    'CO.UK',
    'foo.ck',
    'kawasaki.jp',
    'foo.kawasaki.jp',
    'xn--p1ai',
    'home.arpa',
  ])('%s is an ICANN public suffix', (name) => {
    expect(isIcannPublicSuffix(name)).toBe(true);
  });

  it.each([
    ['a registrable domain', 'example.co.uk'],
    ['a name below one', 'www.example.com'],
    ['an exception to a wildcard rule', 'www.ck'],
    ['an exception under a city rule', 'city.kawasaki.jp'],
    ['a private-section suffix', 'github.io'],
    ['another private-section suffix', 's3.amazonaws.com'],
    ['a top-level domain the list does not name', 'internal'],
    ['the test TLD', 'test'],
    ['mDNS local', 'local'],
    ['a name in a private TLD', 'certwright.internal'],
  ])('%s (%s) is not', (_, name) => {
    expect(isIcannPublicSuffix(name)).toBe(false);
  });
});

describe('isPublicSuffixName', () => {
  it.each(['co.uk', '*.co.uk', 'Co.Uk', '*.foo.ck', 'foo.ck', 'xn--12c1fe0br.xn--o3cw4h'])(
    'refuses %s',
    (name) => {
      expect(isPublicSuffixName(name, noZones)).toBe(true);
    },
  );

  it.each([
    'example.co.uk',
    '*.example.co.uk',
    'github.io',
    '*.github.io',
    'app.certwright.internal',
    '*.certwright.internal',
    'certwright.internal',
    'example.test',
    '*.example.test',
    'www.ck',
  ])('accepts %s', (name) => {
    expect(isPublicSuffixName(name, noZones)).toBe(false);
  });

  it("accepts a public suffix that is one of the deployment's own zones, and a wildcard in it", () => {
    const homeArpa = (name: string) => name === 'home.arpa' || name.endsWith('.home.arpa');
    expect(isPublicSuffixName('home.arpa', noZones)).toBe(true);
    expect(isPublicSuffixName('*.home.arpa', noZones)).toBe(true);
    expect(isPublicSuffixName('home.arpa', homeArpa)).toBe(false);
    expect(isPublicSuffixName('*.home.arpa', homeArpa)).toBe(false);
    expect(isPublicSuffixName('co.uk', homeArpa)).toBe(true);
  });

  const label = fc
    .stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/)
    .filter((l) => !l.startsWith('xn--'));
  const icannSuffix = fc.constantFrom(
    'com',
    'net',
    'org',
    'co.uk',
    'com.au',
    'kawasaki.jp',
    'de',
    'xn--p1ai',
  );
  const privateTld = fc.constantFrom('internal', 'test', 'local', 'localhost', 'example', 'invalid');

  it('refuses every ICANN suffix and the wildcard directly under it, never a name below a registrable domain', () => {
    fc.assert(
      fc.property(icannSuffix, label, fc.array(label, { maxLength: 3 }), (suffix, registrable, below) => {
        expect(isPublicSuffixName(suffix, noZones)).toBe(true);
        expect(isPublicSuffixName(`*.${suffix}`, noZones)).toBe(true);
        const domain = [...below, registrable, suffix].join('.');
        // A label may hit a rule below the suffix (city.kawasaki.jp is an exception, a.kawasaki.jp a suffix).
        fc.pre(!isIcannPublicSuffix(`${registrable}.${suffix}`));
        expect(isPublicSuffixName(domain, noZones)).toBe(false);
        expect(isPublicSuffixName(`*.${domain}`, noZones)).toBe(false);
      }),
    );
  });

  it('never refuses a name under a private TLD, however deep, wildcard or not', () => {
    fc.assert(
      fc.property(
        privateTld,
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (tld, labels, wild) => {
          const name = `${wild ? '*.' : ''}${[...labels, tld].join('.')}`;
          expect(isPublicSuffixName(name, noZones)).toBe(false);
        },
      ),
    );
  });

  it('does not care about letter case', () => {
    fc.assert(
      fc.property(fc.constantFrom('co.uk', '*.co.uk', 'example.co.uk', 'github.io', 'foo.ck'), (name) => {
        expect(isPublicSuffixName(name.toUpperCase(), noZones)).toBe(isPublicSuffixName(name, noZones));
      }),
    );
  });
});
