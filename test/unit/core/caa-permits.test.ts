import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caaPermits, issuerDomainName } from '../../../functions/core/caa/caa-permits.ts';
import type { CaaRecord } from '../../../functions/core/ports.ts';

const US = ['certwright'];
const record = (flags: number, tag: string, value: string): CaaRecord => ({ flags, tag, value });

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const domain = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const issuerValue = fc.constantFrom(
  'certwright',
  'CertWright',
  ' certwright ',
  'certwright; account=123',
  'certwright;',
  'letsencrypt.org',
  'pki.goog; validationmethods=dns-01',
  ';',
  '',
);
const knownTag = fc.constantFrom('issue', 'issuewild', 'iodef', 'Issue', 'ISSUEWILD');
const unknownTag = fc.constantFrom('tbs', 'contactemail', 'future');
/** Flags without the critical bit (1 is a common misreading of it, and means nothing here). */
const plainFlags = fc.constantFrom(0, 1, 64);
const anyRecord = fc.record({
  flags: fc.constantFrom(0, 1, 128, 129),
  tag: fc.oneof(knownTag, unknownTag),
  value: issuerValue,
});
const harmlessRecord = fc.oneof(
  fc.record({
    flags: fc.constantFrom(0, 128),
    tag: fc.constant('iodef'),
    value: fc.constant('mailto:a@b.c'),
  }),
  fc.record({ flags: plainFlags, tag: unknownTag, value: issuerValue }),
);
const request = fc.record({ identities: fc.constant(US), wildcard: fc.boolean() });

function isTag(tag: string) {
  return (candidate: CaaRecord) => candidate.tag.toLowerCase() === tag;
}

describe('caaPermits', () => {
  it.each([
    ['no records at all', [], false, true],
    ['issue naming us', [record(0, 'issue', 'certwright')], false, true],
    ['issue naming another CA', [record(0, 'issue', 'letsencrypt.org')], false, false],
    [
      'one of several issue records naming us',
      [record(0, 'issue', 'a.example'), record(0, 'issue', 'certwright')],
      false,
      true,
    ],
    ['the empty issuer', [record(0, 'issue', ';')], false, false],
    ['an empty value', [record(0, 'issue', '')], false, false],
    ['issuewild only, for a plain name', [record(0, 'issuewild', ';')], false, true],
    [
      'issuewild naming us beside issue forbidding, for a wildcard',
      [record(0, 'issue', ';'), record(0, 'issuewild', 'certwright')],
      true,
      true,
    ],
    [
      'issuewild forbidding beside issue naming us, for a wildcard',
      [record(0, 'issue', 'certwright'), record(0, 'issuewild', ';')],
      true,
      false,
    ],
    ['issue naming us, for a wildcard without issuewild', [record(0, 'issue', 'certwright')], true, true],
    [
      'a critical unknown tag beside issue naming us',
      [record(0, 'issue', 'certwright'), record(128, 'tbs', 'x')],
      false,
      false,
    ],
    ['a critical issue naming us (known tag)', [record(128, 'issue', 'certwright')], false, true],
    ['a critical iodef only', [record(128, 'iodef', 'mailto:a@b.c')], false, true],
    ['a critical issuemail (S/MIME only)', [record(128, 'issuemail', 'other.example')], false, true],
    ['an unknown tag with flag 1 (not the critical bit)', [record(1, 'tbs', 'x')], false, true],
  ] as const)('%s: permitted=%s', (_, set, wildcard, permitted) => {
    expect(caaPermits(set, { identities: US, wildcard }).permitted).toBe(permitted);
  });

  it('names the records that decided: the critical ones, else the issue or issuewild ones read', () => {
    const set = [
      record(0, 'issue', 'a.example'),
      record(0, 'issuewild', 'b.example'),
      record(0, 'iodef', 'x'),
    ];
    expect(caaPermits(set, { identities: US, wildcard: false })).toEqual({
      permitted: false,
      deciding: [set[0]],
    });
    expect(caaPermits(set, { identities: US, wildcard: true }).deciding).toEqual([set[1]]);
    const critical = [...set, record(128, 'future', 'y')];
    expect(caaPermits(critical, { identities: US, wildcard: false })).toEqual({
      permitted: false,
      deciding: [critical[3]],
      reason: 'CRITICAL_UNKNOWN_TAG',
    });
  });

  it('matches any configured identity, case-insensitively', () => {
    const set = [record(0, 'issue', 'PKI.Example.com; account=1')];
    expect(
      caaPermits(set, { identities: ['certwright', 'pki.example.com'], wildcard: false }).permitted,
    ).toBe(true);
    expect(
      caaPermits(set, { identities: ['CERTWRIGHT', 'PKI.EXAMPLE.COM'], wildcard: false }).permitted,
    ).toBe(true);
    expect(caaPermits(set, { identities: ['certwright'], wildcard: false }).permitted).toBe(false);
  });

  it('is permissive for any set without issue, issuewild or critical unknown tags', () => {
    fc.assert(
      fc.property(fc.array(harmlessRecord, { maxLength: 6 }), request, (set, req) => {
        expect(caaPermits(set, req)).toEqual({ permitted: true, deciding: [] });
      }),
    );
  });

  it('forbids every set holding a critical unknown tag, whatever else it holds', () => {
    const critical = fc.record({
      flags: fc.constantFrom(128, 129, 255),
      tag: unknownTag,
      value: issuerValue,
    });
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 6 }), critical, request, (set, bad, req) => {
        const decision = caaPermits([...set, bad], req);
        expect(decision.permitted).toBe(false);
        expect(decision.deciding).toContainEqual(bad);
      }),
    );
  });

  it('decides by issuewild alone for a wildcard when the set has any, else by issue alone', () => {
    const nonCritical = fc.record({
      flags: plainFlags,
      tag: fc.oneof(knownTag, unknownTag),
      value: issuerValue,
    });
    fc.assert(
      fc.property(fc.array(nonCritical, { maxLength: 8 }), fc.boolean(), (set, wildcard) => {
        const wild = set.filter(isTag('issuewild'));
        const read = wildcard && wild.length > 0 ? wild : set.filter(isTag('issue'));
        const expected = read.length === 0 || read.some((r) => issuerDomainName(r.value) === 'certwright');
        const decision = caaPermits(set, { identities: US, wildcard });
        expect(decision.permitted).toBe(expected);
        expect(decision.deciding).toEqual(read);
      }),
    );
  });

  it('never lets issuewild records change the verdict for a name that is not a wildcard', () => {
    const wild = fc.record({ flags: plainFlags, tag: fc.constant('issuewild'), value: issuerValue });
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 6 }), fc.array(wild, { maxLength: 3 }), (set, extra) => {
        const req = { identities: US, wildcard: false };
        expect(caaPermits([...set, ...extra], req).permitted).toBe(caaPermits(set, req).permitted);
      }),
    );
  });

  it('never permits through an empty issuer, whatever the identities', () => {
    fc.assert(
      fc.property(
        fc.array(domain, { maxLength: 3 }),
        fc.constantFrom(';', '', ' ; x=y', ';certwright'),
        (ids, value) => {
          expect(
            caaPermits([record(0, 'issue', value)], { identities: ids, wildcard: false }).permitted,
          ).toBe(false);
        },
      ),
    );
  });
});

describe('issuerDomainName', () => {
  it('is the part before the parameters, trimmed and lowercased', () => {
    const spaces = fc.stringMatching(/^[ \t]{0,3}$/);
    const parameters = fc.constantFrom('', ';', '; account=123', ';validationmethods=dns-01 ; accounturi=x');
    fc.assert(
      fc.property(
        domain,
        fc.array(fc.boolean(), { maxLength: 30 }),
        spaces,
        spaces,
        parameters,
        (name, upper, before, after, params) => {
          const mixed = [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
          expect(issuerDomainName(`${before}${mixed}${after}${params}`)).toBe(name);
        },
      ),
    );
  });
});
