import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  coveredByEntry,
  deniedNames,
  namesNotAllowed,
  parsePolicyEntry,
  touchesEntry,
} from '../../../functions/core/policy/policy-entries.ts';

describe('parsePolicyEntry', () => {
  it.each([
    ['example.com', { domain: 'example.com', subtree: false }],
    ['.example.com', { domain: 'example.com', subtree: true }],
    ['  .Example.COM. ', { domain: 'example.com', subtree: true }],
    ['WWW.example.com.', { domain: 'www.example.com', subtree: false }],
  ])('reads %j', (entry, parsed) => {
    expect(parsePolicyEntry(entry)).toEqual(parsed);
  });
});

describe('deny-list matching (a name touches an entry)', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['www.example.com', 'example.com', false],
    ['example.com', '.example.com', true],
    ['a.b.example.com', '.example.com', true],
    ['notexample.com', '.example.com', false],
    ['example.com.evil.test', '.example.com', false],
    ['EXAMPLE.com', 'example.COM', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'a.www.example.com', false],
    ['*.example.com', '.example.com', true],
    ['*.sub.example.com', '.example.com', true],
    ['*.example.com', '.secret.example.com', true],
    ['*.example.com', '.deep.secret.example.com', false],
    ['*.example.com', '*.example.com', true],
  ])('%s against %s: %s', (name, entry, expected) => {
    expect(touchesEntry(name, parsePolicyEntry(entry))).toBe(expected);
  });

  it('returns the names a deny list refuses, in the order given', () => {
    expect(
      deniedNames(
        ['ok.example.org', '*.example.com', 'internal.example.org'],
        ['secret.example.com', 'internal.example.org'],
      ),
    ).toEqual(['*.example.com', 'internal.example.org']);
    expect(deniedNames(['anything.example.com'], [])).toEqual([]);
  });
});

describe('allow-list matching (an entry covers a name)', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['www.example.com', 'example.com', false],
    ['www.example.com', '.example.com', true],
    ['example.com', '.example.com', true],
    ['*.example.com', '.example.com', true],
    ['*.a.example.com', '.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', '.www.example.com', false],
    ['*.example.com', 'www.example.com', false],
    ['*.example.com', '*.example.com', true],
    ['Www.Example.Com', '.EXAMPLE.com', true],
  ])('%s by %s: %s', (name, entry, expected) => {
    expect(coveredByEntry(name, parsePolicyEntry(entry))).toBe(expected);
  });

  it('allows every name when the list is empty, and returns the names no entry covers', () => {
    expect(namesNotAllowed(['a.example.com', '*.example.net'], [])).toEqual([]);
    expect(
      namesNotAllowed(
        ['a.example.com', '*.example.net', 'example.net', 'x.example.org'],
        ['.example.com', 'example.net'],
      ),
    ).toEqual(['*.example.net', 'x.example.org']);
  });
});

/**
 * The rules against their definition as sets of names: an entry stands for a set (`d`, or d and everything
 * below it), a certificate name serves a set (itself, or every name one label below a wildcard's base).
 * Names and entries are built from a few labels so they meet often; a label no entry uses stands for every
 * other label a wildcard could serve, which makes the finite check exact.
 */
describe('policy matching properties', () => {
  const LABELS = ['a', 'b', 'c', 'example'];
  const UNUSED_LABEL = 'zz-unused';
  const label = fc.constantFrom(...LABELS);
  const dnsName = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
  const certificateName = fc.tuple(fc.boolean(), dnsName).map(([wild, name]) => (wild ? `*.${name}` : name));
  const entry = fc.tuple(fc.boolean(), dnsName).map(([subtree, name]) => (subtree ? `.${name}` : name));

  const served = (name: string): string[] =>
    name.startsWith('*.') ? [...LABELS, UNUSED_LABEL].map((first) => `${first}.${name.slice(2)}`) : [name];
  const standsFor = (rawEntry: string, name: string): boolean => {
    const { domain, subtree } = parsePolicyEntry(rawEntry);
    return name === domain || (subtree && name.endsWith(`.${domain}`));
  };

  it('a name touches an entry exactly when it serves a name the entry stands for', () => {
    fc.assert(
      fc.property(certificateName, entry, (name, rawEntry) => {
        const expected = served(name).some((servedName) => standsFor(rawEntry, servedName));
        expect(touchesEntry(name, parsePolicyEntry(rawEntry))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('an entry covers a name exactly when it stands for every name the certificate serves', () => {
    fc.assert(
      fc.property(certificateName, entry, (name, rawEntry) => {
        const expected = served(name).every((servedName) => standsFor(rawEntry, servedName));
        expect(coveredByEntry(name, parsePolicyEntry(rawEntry))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('what an entry covers it also touches, and neither depends on letter case', () => {
    fc.assert(
      fc.property(certificateName, entry, (name, rawEntry) => {
        const parsed = parsePolicyEntry(rawEntry);
        if (coveredByEntry(name, parsed)) expect(touchesEntry(name, parsed)).toBe(true);
        const shouted = parsePolicyEntry(rawEntry.toUpperCase());
        expect(touchesEntry(name.toUpperCase(), shouted)).toBe(touchesEntry(name, parsed));
        expect(coveredByEntry(name.toUpperCase(), shouted)).toBe(coveredByEntry(name, parsed));
      }),
    );
  });

  it('a name is refused by a deny list exactly when it touches one of its entries', () => {
    fc.assert(
      fc.property(
        fc.array(certificateName, { maxLength: 5 }),
        fc.array(entry, { maxLength: 4 }),
        (names, list) => {
          const denied = deniedNames(names, list);
          for (const name of names) {
            const touched = list.some((raw) => touchesEntry(name, parsePolicyEntry(raw)));
            expect(denied.includes(name)).toBe(touched);
          }
        },
      ),
    );
  });
});
