import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResourceRecord } from '../../../functions/core/model.ts';
import type { DnsOutcome } from '../../../functions/core/ports.ts';
import { findDnsProof } from '../../../functions/core/validation/dns-proof.ts';
import { lookup, ScriptedResolver } from './core-fixtures.ts';

const RECORD: ResourceRecord = {
  Name: '_0123456789abcdef0123456789abcdef.www.example.com.',
  Type: 'CNAME',
  Value: '_fedcba9876543210fedcba9876543210.acm-validations.certwright.test.',
};
const QUERY_NAME = '_0123456789abcdef0123456789abcdef.www.example.com';
const TARGET = '_fedcba9876543210fedcba9876543210.acm-validations.certwright.test';

/** The server every scripted answer comes from. */
const SERVER = '192.0.2.53:53';
const NON_FOUND: DnsOutcome[] = ['NXDOMAIN', 'NODATA', 'SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR'];
const ALL_OUTCOMES: DnsOutcome[] = ['FOUND', ...NON_FOUND];

function resolver() {
  return new ScriptedResolver();
}

describe('findDnsProof', () => {
  it('queries the record name without its trailing dot', async () => {
    const dns = resolver().answer('CNAME', QUERY_NAME, lookup('FOUND', [TARGET]));
    await findDnsProof(dns, RECORD);
    expect(dns.queries).toEqual([{ type: 'CNAME', name: QUERY_NAME }]);
  });

  it('is proven by a CNAME to the value, and does not look at TXT then', async () => {
    const dns = resolver().answer('CNAME', QUERY_NAME, lookup('FOUND', [TARGET]));
    expect(await findDnsProof(dns, RECORD)).toEqual({ proven: true, outcome: 'CNAME_MATCH', server: SERVER });
    expect(dns.queries.map((query) => query.type)).toEqual(['CNAME']);
  });

  it('matches the CNAME target regardless of case and trailing dot', async () => {
    for (const target of [`${TARGET}.`, TARGET.toUpperCase(), `${TARGET.toUpperCase()}.`]) {
      const dns = resolver().answer('CNAME', QUERY_NAME, lookup('FOUND', [target]));
      expect(await findDnsProof(dns, RECORD)).toMatchObject({ proven: true, outcome: 'CNAME_MATCH' });
    }
  });

  it('accepts the record when one of several CNAME values matches', async () => {
    const dns = resolver().answer('CNAME', QUERY_NAME, lookup('FOUND', ['elsewhere.example.net', TARGET]));
    expect(await findDnsProof(dns, RECORD)).toMatchObject({ proven: true, outcome: 'CNAME_MATCH' });
  });

  it('reports a CNAME pointing elsewhere as a mismatch, with what it points at', async () => {
    const dns = resolver().answer(
      'CNAME',
      QUERY_NAME,
      lookup('FOUND', ['_wrong.acm-validations.certwright.test', 'other.example.net']),
    );
    expect(await findDnsProof(dns, RECORD)).toEqual({
      proven: false,
      outcome: 'CNAME_MISMATCH',
      detail: '_wrong.acm-validations.certwright.test, other.example.net',
      found: ['_wrong.acm-validations.certwright.test', 'other.example.net'],
      server: SERVER,
    });
    // A CNAME at the name excludes any other record there: TXT is not consulted.
    expect(dns.queries.map((query) => query.type)).toEqual(['CNAME']);
  });

  it('does not accept a target that merely contains the value', async () => {
    const dns = resolver().answer('CNAME', QUERY_NAME, lookup('FOUND', [`x${TARGET}`]));
    expect(await findDnsProof(dns, RECORD)).toMatchObject({ proven: false, outcome: 'CNAME_MISMATCH' });
  });

  it('reports NXDOMAIN without looking for a TXT record', async () => {
    const dns = resolver().answer('CNAME', QUERY_NAME, lookup('NXDOMAIN'));
    expect(await findDnsProof(dns, RECORD)).toEqual({ proven: false, outcome: 'NXDOMAIN', server: SERVER });
    expect(dns.queries.map((query) => query.type)).toEqual(['CNAME']);
  });

  it('falls back to TXT on NODATA and is proven by a TXT whose text is the value', async () => {
    const dns = resolver()
      .answer('CNAME', QUERY_NAME, lookup('NODATA'))
      .answer('TXT', QUERY_NAME, lookup('FOUND', [`${TARGET}.`]));
    expect(await findDnsProof(dns, RECORD)).toEqual({ proven: true, outcome: 'TXT_MATCH', server: SERVER });
    expect(dns.queries).toEqual([
      { type: 'CNAME', name: QUERY_NAME },
      { type: 'TXT', name: QUERY_NAME },
    ]);
  });

  it('matches TXT text ignoring surrounding whitespace, case and the trailing dot', async () => {
    for (const text of [TARGET, `  ${TARGET.toUpperCase()}. `, `\t${TARGET}\n`]) {
      const dns = resolver()
        .answer('CNAME', QUERY_NAME, lookup('NODATA'))
        .answer('TXT', QUERY_NAME, lookup('FOUND', ['v=spf1 -all', text]));
      expect(await findDnsProof(dns, RECORD)).toMatchObject({ proven: true, outcome: 'TXT_MATCH' });
    }
  });

  it('reports TXT records with other text as a mismatch, with their text', async () => {
    const dns = resolver()
      .answer('CNAME', QUERY_NAME, lookup('NODATA'))
      .answer('TXT', QUERY_NAME, lookup('FOUND', ['hello', 'v=spf1 -all']));
    expect(await findDnsProof(dns, RECORD)).toEqual({
      proven: false,
      outcome: 'TXT_MISMATCH',
      detail: 'hello, v=spf1 -all',
      found: ['hello', 'v=spf1 -all'],
      server: SERVER,
    });
  });

  it('reports NO_RECORD when neither a CNAME nor a TXT exists at the name', async () => {
    const nodataTwice = resolver()
      .answer('CNAME', QUERY_NAME, lookup('NODATA'))
      .answer('TXT', QUERY_NAME, lookup('NODATA'));
    expect(await findDnsProof(nodataTwice, RECORD)).toEqual({
      proven: false,
      outcome: 'NO_RECORD',
      server: SERVER,
    });

    // The name vanished between the two queries.
    const thenGone = resolver()
      .answer('CNAME', QUERY_NAME, lookup('NODATA'))
      .answer('TXT', QUERY_NAME, lookup('NXDOMAIN'));
    expect(await findDnsProof(thenGone, RECORD)).toEqual({
      proven: false,
      outcome: 'NO_RECORD',
      server: SERVER,
    });
  });

  it.each(['SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR'] as const)(
    'reports a %s on the CNAME query as a resolver error naming the outcome and the server',
    async (outcome) => {
      const dns = resolver().answer('CNAME', QUERY_NAME, lookup(outcome, [], 'after 2 tries'));
      expect(await findDnsProof(dns, RECORD)).toEqual({
        proven: false,
        outcome: 'RESOLVER_ERROR',
        detail: `${outcome} after 2 tries from ${SERVER}`,
        server: SERVER,
      });
      expect(dns.queries.map((query) => query.type)).toEqual(['CNAME']);
    },
  );

  it.each(['SERVFAIL', 'REFUSED', 'TIMEOUT', 'ERROR'] as const)(
    'reports a %s on the TXT query as a resolver error',
    async (outcome) => {
      const dns = resolver()
        .answer('CNAME', QUERY_NAME, lookup('NODATA'))
        .answer('TXT', QUERY_NAME, lookup(outcome));
      expect(await findDnsProof(dns, RECORD)).toEqual({
        proven: false,
        outcome: 'RESOLVER_ERROR',
        detail: `${outcome} from ${SERVER}`,
        server: SERVER,
      });
    },
  );

  it('is never proven unless a lookup FOUND the value: every outcome combination', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ALL_OUTCOMES),
        fc.constantFrom(...ALL_OUTCOMES),
        fc.array(fc.constantFrom('other.example.net', 'hello', `x${TARGET}`, TARGET), { maxLength: 3 }),
        fc.array(fc.constantFrom('other.example.net', 'hello', `x${TARGET}`, TARGET), { maxLength: 3 }),
        async (cnameOutcome, txtOutcome, cnameValues, txtValues) => {
          const dns = resolver()
            .answer('CNAME', QUERY_NAME, lookup(cnameOutcome, cnameOutcome === 'FOUND' ? cnameValues : []))
            .answer('TXT', QUERY_NAME, lookup(txtOutcome, txtOutcome === 'FOUND' ? txtValues : []));
          const proof = await findDnsProof(dns, RECORD);
          const cnameProves = cnameOutcome === 'FOUND' && cnameValues.includes(TARGET);
          const txtProves = cnameOutcome === 'NODATA' && txtOutcome === 'FOUND' && txtValues.includes(TARGET);
          expect(proof.proven).toBe(cnameProves || txtProves);
          if (cnameOutcome !== 'FOUND' && txtOutcome !== 'FOUND') expect(proof.proven).toBe(false);
          if (proof.outcome === 'RESOLVER_ERROR') expect(proof.proven).toBe(false);
          expect(proof.proven).toBe(proof.outcome === 'CNAME_MATCH' || proof.outcome === 'TXT_MATCH');
        },
      ),
      { numRuns: 300 },
    );
  });
});
