import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseDomain,
  checkDomainName,
  collectCertificateNames,
  isWildcard,
  normalizeDomainName,
} from '../../functions/core/domain-names.ts';
import {
  InvalidDomainValidationOptionsError,
  LimitExceededError,
  ValidationError,
} from '../../functions/core/errors.ts';
import { errorFrom, expectError } from '../support/thrown.ts';

const PATTERN = '(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])';

function violation(value: string, field: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
}

function patternViolation(value: string, field = 'domainName'): string {
  return violation(value, field, `Member must satisfy regular expression pattern: ${PATTERN}`);
}

/** `count` labels of `length` characters joined by dots. */
function labels(count: number, length: number): string {
  return Array.from({ length: count }, (_, index) => String.fromCharCode(97 + index).repeat(length)).join(
    '.',
  );
}

const NAME_253 = `${labels(3, 63)}.${'z'.repeat(61)}`;
const WILDCARD_253 = `*.${labels(3, 63)}.${'z'.repeat(59)}`;

describe('checkDomainName', () => {
  it.each([
    'example.com',
    '*.example.com',
    'xn--bcher-kva.example',
    'a-b.c0.io',
    'WWW.Example.COM',
    'a.b.c.d.e.example.org',
    `${'a'.repeat(63)}.com`,
    // The pattern allows an all-numeric last label; ACM's own regular expression is the rule here.
    '1.23',
    NAME_253,
    WILDCARD_253,
  ])('accepts %s', (name) => {
    expect(() => checkDomainName(name, 'domainName')).not.toThrow();
  });

  it('has 253-character fixtures of the intended length', () => {
    expect(NAME_253).toHaveLength(253);
    expect(WILDCARD_253).toHaveLength(253);
  });

  it.each([
    ['a space', 'ex ample.com'],
    ['a non-ASCII letter (Unicode must be sent as punycode)', 'bücher.example'],
    ['a KELVIN SIGN, which case-folds to k', 'example.\u212Aom'],
    ['a label starting with a hyphen', '-a.com'],
    ['a label ending with a hyphen', 'a-.com'],
    ['a single label', 'com'],
    ['a trailing dot', 'example.com.'],
    ['a leading dot', '.example.com'],
    ['an empty label', 'example..com'],
    ['a one-character last label', 'example.c'],
    ['an underscore', 'exa_mple.com'],
    ['a wildcard that is not the leftmost label', 'a.*.example.com'],
    ['a wildcard inside the leftmost label', '*example.com'],
    ['two wildcard labels', '*.*.example.com'],
    ['a bare wildcard', '*'],
    ['a wildcard on a single label', '*.com'],
    ['a 64-character label', `${'a'.repeat(64)}.com`],
  ])('rejects a name with %s against the pattern', (_, name) => {
    expectError(() => checkDomainName(name, 'domainName'), ValidationError, patternViolation(name));
  });

  it('rejects a 254-character name on length', () => {
    const name = `a${NAME_253}`;
    expectError(
      () => checkDomainName(name, 'domainName'),
      ValidationError,
      violation(name, 'domainName', 'Member must have length less than or equal to 253'),
    );
  });

  it('rejects an empty name on length', () => {
    expectError(
      () => checkDomainName('', 'domainName'),
      ValidationError,
      violation('', 'domainName', 'Member must have length greater than or equal to 1'),
    );
  });

  it.each(['xn--a.com', 'www.XN--ZZ.example', 'xn--u-ccb.example'])(
    'rejects %s, whose xn-- label is not a valid A-label',
    (name) => {
      expectError(
        () => checkDomainName(name, 'domainName'),
        ValidationError,
        violation(name, 'domainName', 'Member must contain only valid punycode (xn--) labels'),
      );
    },
  );

  it('names the given field in the message', () => {
    expectError(
      () => checkDomainName('-a.com', 'subjectAlternativeNames.3.member'),
      ValidationError,
      patternViolation('-a.com', 'subjectAlternativeNames.3.member'),
    );
  });
});

describe('normalizeDomainName', () => {
  it('lowercases ASCII letters', () => {
    expect(normalizeDomainName('WWW.Example.COM')).toBe('www.example.com');
    expect(normalizeDomainName('*.XN--BCHER-KVA.Example')).toBe('*.xn--bcher-kva.example');
  });

  it('leaves non-ASCII characters alone', () => {
    expect(normalizeDomainName('ÄB.\u212A.com')).toBe('Äb.\u212A.com');
  });

  it('refuses a trailing dot instead of stripping it', () => {
    expectError(() => normalizeDomainName('example.com.'), ValidationError, patternViolation('example.com.'));
    expectError(
      () => normalizeDomainName('example.com.', 'subjectAlternativeNames.1.member'),
      ValidationError,
      patternViolation('example.com.', 'subjectAlternativeNames.1.member'),
    );
  });
});

describe('isWildcard and baseDomain', () => {
  it('recognises only a leading *. as a wildcard', () => {
    expect(isWildcard('*.example.com')).toBe(true);
    expect(isWildcard('example.com')).toBe(false);
    expect(isWildcard('*example.com')).toBe(false);
    expect(isWildcard('a.*.example.com')).toBe(false);
  });

  it('strips a leading *. and nothing else', () => {
    expect(baseDomain('*.example.com')).toBe('example.com');
    expect(baseDomain('www.example.com')).toBe('www.example.com');
    expect(baseDomain('*example.com')).toBe('*example.com');
  });
});

describe('collectCertificateNames', () => {
  it('returns the normalized DomainName alone when there are no SubjectAlternativeNames', () => {
    expect(collectCertificateNames('Example.COM', undefined, 10)).toEqual(['example.com']);
  });

  it('puts DomainName first and removes case-insensitive duplicates, keeping first appearance order', () => {
    expect(
      collectCertificateNames(
        'Example.com',
        ['www.example.com', 'EXAMPLE.COM', '*.example.com', 'WWW.example.com', 'api.example.com'],
        10,
      ),
    ).toEqual(['example.com', 'www.example.com', '*.example.com', 'api.example.com']);
  });

  it('keeps a wildcard and its base domain as two names', () => {
    expect(collectCertificateNames('*.example.com', ['example.com'], 10)).toEqual([
      '*.example.com',
      'example.com',
    ]);
  });

  it('reports an invalid DomainName at domainName', () => {
    expectError(
      () => collectCertificateNames('com', ['www.example.com'], 10),
      ValidationError,
      patternViolation('com'),
    );
  });

  it('reports an invalid SubjectAlternativeName at its 1-based member path', () => {
    expectError(
      () => collectCertificateNames('example.com', ['www.example.com', 'ex ample.com'], 10),
      ValidationError,
      patternViolation('ex ample.com', 'subjectAlternativeNames.2.member'),
    );
  });

  it('refuses an empty SubjectAlternativeNames list', () => {
    expectError(
      () => collectCertificateNames('example.com', [], 10),
      ValidationError,
      violation('[]', 'subjectAlternativeNames', 'Member must have length greater than or equal to 1'),
    );
  });

  it('refuses more than 100 SubjectAlternativeNames', () => {
    const names = Array.from({ length: 101 }, (_, index) => `n${index}.example.com`);
    const error = errorFrom(() => collectCertificateNames('example.com', names, 1000));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(
      /^1 validation error detected: Value '\[n0\.example\.com, .*, n100\.example\.com\]' at 'subjectAlternativeNames' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    );
  });

  it('accepts 100 SubjectAlternativeNames when the quota allows them', () => {
    const names = Array.from({ length: 100 }, (_, index) => `n${index}.example.com`);
    expect(collectCertificateNames('example.com', names, 101)).toHaveLength(101);
  });

  it('counts DomainName against the quota and duplicates not at all', () => {
    const nine = Array.from({ length: 9 }, (_, index) => `n${index}.example.com`);
    expect(
      collectCertificateNames('example.com', [...nine, 'EXAMPLE.com', 'N0.example.com'], 10),
    ).toHaveLength(10);
    expectError(
      () => collectCertificateNames('example.com', [...nine, 'n9.example.com'], 10),
      LimitExceededError,
      'Certificate has too many domains.',
    );
  });

  it('allows a 64-character DomainName and refuses a 65-character one', () => {
    const name64 = `${'a'.repeat(60)}.com`;
    expect(name64).toHaveLength(64);
    expect(collectCertificateNames(name64, undefined, 10)).toEqual([name64]);
    expectError(
      () => collectCertificateNames(`a${name64}`, undefined, 10),
      InvalidDomainValidationOptionsError,
      'The first domain name can be no longer than 64 characters.',
    );
  });

  it('allows SubjectAlternativeNames longer than 64 characters', () => {
    expect(collectCertificateNames('example.com', [NAME_253], 10)).toEqual(['example.com', NAME_253]);
  });
});

/** 1–63 characters of [A-Za-z0-9-] not starting or ending with '-'; at least 2 for the last label. */
function labelArbitrary(minLength: 1 | 2) {
  const pattern =
    minLength === 1
      ? /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/
      : /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;
  // An xn-- label must also be valid punycode, which random characters almost never are.
  return fc
    .stringMatching(pattern, { size: 'max' })
    .filter((label) => !label.toLowerCase().startsWith('xn--'));
}

/** 2–4 labels (the last at least 2 characters long), optionally under `*.`, at most 253 characters. */
const validName = fc
  .tuple(fc.boolean(), fc.array(labelArbitrary(1), { minLength: 1, maxLength: 3 }), labelArbitrary(2))
  .map(([wildcard, head, last]) => `${wildcard ? '*.' : ''}${[...head, last].join('.')}`)
  .filter((name) => name.length <= 253);

describe('domain name properties', () => {
  it('accepts every name built from valid labels, and normalizes it to lowercase idempotently', () => {
    fc.assert(
      fc.property(validName, (name) => {
        expect(() => checkDomainName(name, 'domainName')).not.toThrow();
        const normalized = normalizeDomainName(name);
        expect(normalized).toBe(name.toLowerCase());
        expect(normalizeDomainName(normalized)).toBe(normalized);
        expect(() => checkDomainName(normalized, 'domainName')).not.toThrow();
      }),
    );
  });

  it('rejects a valid name once any non-ASCII character is inserted anywhere', () => {
    // Characters that case-fold or normalize to ASCII first: a case-insensitive pattern would let them through.
    const nonAscii = fc.oneof(
      fc.constantFrom('\u212A', '\u017F', '\u0130', '\u0131', '\u00DF', '\u00E9', '\u00A0', '\uFF41'),
      fc.integer({ min: 0x80, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)),
    );
    fc.assert(
      fc.property(
        validName.filter((name) => name.length <= 251),
        nonAscii,
        fc.nat(),
        (name, character, at) => {
          const position = at % (name.length + 1);
          const tainted = `${name.slice(0, position)}${character}${name.slice(position)}`;
          expectError(
            () => checkDomainName(tainted, 'domainName'),
            ValidationError,
            patternViolation(tainted),
          );
        },
      ),
    );
  });

  it('collects names without duplicates, DomainName first, each given name included, within the quota', () => {
    const fixedNames = fc.constantFrom(
      'example.com',
      '*.example.com',
      'www.example.com',
      'xn--bcher-kva.example',
    );
    const shortName = fc.oneof(
      fixedNames,
      validName.filter((name) => name.length <= 64),
    );
    // Random casing makes case-insensitive duplicates likely.
    const casedName = fc
      .tuple(shortName, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }))
      .map(([name, upper]) => [...name].map((c, index) => (upper[index] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(
        casedName,
        fc.option(fc.array(casedName, { minLength: 1, maxLength: 15 }), { nil: undefined }),
        fc.integer({ min: 1, max: 12 }),
        (domainName, subjectAlternativeNames, maxNames) => {
          const given = [domainName, ...(subjectAlternativeNames ?? [])].map((name) => name.toLowerCase());
          const distinct = new Set(given).size;
          if (distinct > maxNames) {
            expect(() => collectCertificateNames(domainName, subjectAlternativeNames, maxNames)).toThrow(
              LimitExceededError,
            );
            return;
          }
          const names = collectCertificateNames(domainName, subjectAlternativeNames, maxNames);
          expect(new Set(names).size).toBe(names.length);
          expect(names[0]).toBe(domainName.toLowerCase());
          expect(names).toEqual(expect.arrayContaining(given));
          expect(names).toHaveLength(distinct);
          expect(names.length).toBeLessThanOrEqual(maxNames);
        },
      ),
    );
  });
});
