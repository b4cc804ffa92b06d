import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCaa } from '../../../functions/core/caa/check-caa.ts';
import { caaClimb, relevantCaaSet } from '../../../functions/core/caa/relevant-caa-set.ts';
import type { DnsOutcome } from '../../../functions/core/ports.ts';
import { caaLookup, lookup, ScriptedResolver } from './core-fixtures.ts';

const ISSUE_US = { flags: 0, tag: 'issue', value: 'certwright' };
const ISSUE_OTHER = { flags: 0, tag: 'issue', value: 'letsencrypt.org' };
const FAILURES: DnsOutcome[] = ['SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR'];

describe('caaClimb', () => {
  it('goes from the name to its TLD, never the root, in canonical form', () => {
    expect(caaClimb('WWW.Shop.Example.COM.')).toEqual([
      'www.shop.example.com',
      'shop.example.com',
      'example.com',
      'com',
    ]);
  });
});

describe('relevantCaaSet', () => {
  it('takes the first non-empty set, and asks nothing above it', async () => {
    const dns = new ScriptedResolver()
      .answer('CAA', 'shop.example.com', caaLookup(ISSUE_US))
      .answer('CAA', 'example.com', caaLookup(ISSUE_OTHER))
      .answer('CAA', 'www.shop.example.com', lookup('NODATA'));
    expect(await relevantCaaSet('www.shop.example.com', dns)).toEqual({
      outcome: 'FOUND',
      at: 'shop.example.com',
      records: [ISSUE_US],
      server: '192.0.2.53:53',
    });
    expect(dns.caaQueries).toEqual(['www.shop.example.com', 'shop.example.com']);
  });

  it('climbs through NXDOMAIN and NODATA to the TLD, and then finds nothing', async () => {
    const dns = new ScriptedResolver().answer('CAA', 'example.com', lookup('NODATA'));
    expect(await relevantCaaSet('a.b.example.com', dns)).toEqual({ outcome: 'NONE' });
    expect(dns.caaQueries).toEqual(['a.b.example.com', 'b.example.com', 'example.com', 'com']);
  });

  it.each(FAILURES)('fails closed on %s at any step, and stops there', async (failure) => {
    for (const at of caaClimb('a.b.example.com')) {
      const dns = new ScriptedResolver().answer('CAA', at, lookup(failure, [], 'E'));
      expect(await relevantCaaSet('a.b.example.com', dns)).toEqual({
        outcome: 'LOOKUP_FAILED',
        at,
        lookup: lookup(failure, [], 'E'),
      });
      expect(dns.caaQueries.at(-1)).toBe(at);
    }
  });

  it('does not trust FOUND without records', async () => {
    const dns = new ScriptedResolver().answer('CAA', 'example.com', lookup('FOUND', ['odd']));
    expect(await relevantCaaSet('example.com', dns)).toMatchObject({
      outcome: 'LOOKUP_FAILED',
      at: 'example.com',
    });
  });

  it('decides by the first step that is neither NXDOMAIN nor NODATA, for any sequence of answers', async () => {
    const answer = fc.constantFrom<DnsOutcome>('NXDOMAIN', 'NODATA', 'FOUND', ...FAILURES);
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 6 }), async (outcomes) => {
        const names = outcomes.map((_, index) => `l${index}`).join('.');
        const climb = caaClimb(names);
        const dns = new ScriptedResolver();
        for (const [index, at] of climb.entries()) {
          const outcome = outcomes[index] as DnsOutcome;
          dns.answer('CAA', at, outcome === 'FOUND' ? caaLookup(ISSUE_US) : lookup(outcome));
        }
        const deciding = outcomes.findIndex((outcome) => outcome !== 'NXDOMAIN' && outcome !== 'NODATA');
        const result = await relevantCaaSet(names, dns);
        if (deciding === -1) expect(result).toEqual({ outcome: 'NONE' });
        else {
          expect(result.outcome).toBe(outcomes[deciding] === 'FOUND' ? 'FOUND' : 'LOOKUP_FAILED');
          expect(result).toMatchObject({ at: climb[deciding] });
        }
        expect(dns.caaQueries).toEqual(deciding === -1 ? climb : climb.slice(0, deciding + 1));
      }),
    );
  });
});

describe('checkCaa', () => {
  it('checks a wildcard at its base name, with issuewild deciding', async () => {
    const dns = new ScriptedResolver().answer(
      'CAA',
      'example.com',
      caaLookup(ISSUE_US, { flags: 0, tag: 'issuewild', value: ';' }),
    );
    const verdict = await checkCaa('*.example.com', { resolver: dns, identities: ['certwright'] });
    expect(verdict).toEqual({
      outcome: 'FORBIDDEN',
      name: '*.example.com',
      foundAt: 'example.com',
      records: [{ flags: 0, tag: 'issuewild', value: ';' }],
      message: 'CAA at example.com (0 issuewild ";") does not permit certwright for *.example.com',
    });
    expect(dns.caaQueries).toEqual(['example.com']);
  });

  it('quotes values as a zone file does, escaping quotes and backslashes', async () => {
    const dns = new ScriptedResolver().answer(
      'CAA',
      'example.com',
      caaLookup({ flags: 0, tag: 'issue', value: 'odd"name\\x' }),
    );
    const verdict = await checkCaa('example.com', { resolver: dns, identities: ['certwright'] });
    expect(verdict.message).toBe(
      'CAA at example.com (0 issue "odd\\"name\\\\x") does not permit certwright for example.com',
    );
  });

  it('says where the lookup failed and what the resolver answered', async () => {
    const dns = new ScriptedResolver().answer('CAA', 'example.com', lookup('REFUSED', [], 'EREFUSED'));
    expect(await checkCaa('www.example.com', { resolver: dns, identities: ['certwright'] })).toEqual({
      outcome: 'LOOKUP_FAILED',
      name: 'www.example.com',
      failedAt: 'example.com',
      message: 'CAA lookup at example.com for www.example.com failed: REFUSED EREFUSED from 192.0.2.53:53',
    });
  });
});
