import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeDnsResolver } from '../../functions/adapters/dns/node-dns-resolver.ts';
import { type CaaVerdict, checkCaa } from '../../functions/core/caa/check-caa.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';

// CAA verdicts (RFC 8659) against a real BIND 9 on loopback: one zone holding every scenario, an empty
// root zone so climbs end in NXDOMAIN at the TLD, and a zone that fails to load (SERVFAIL).

const ZONE = 'example.test';
const BROKEN_ZONE = `broken.${ZONE}`;
const CERTWRIGHT = ['certwright'];

const RECORDS: Array<[name: string, type: string, value: string]> = [
  [`at-name.${ZONE}`, 'CAA', '0 issue "certwright"'],
  [`other-ca.${ZONE}`, 'CAA', '0 issue "letsencrypt.org"'],
  [`parent.${ZONE}`, 'CAA', '0 issue "letsencrypt.org"'],
  [`deep.parent.${ZONE}`, 'CAA', '0 issue "certwright"'],
  [`alias.${ZONE}`, 'CNAME', `ca-target.${ZONE}`],
  [`ca-target.${ZONE}`, 'CAA', '0 issue "letsencrypt.org"'],
  [`alias-up.${ZONE}`, 'CNAME', `host.target-parent.${ZONE}`],
  [`host.target-parent.${ZONE}`, 'A', '127.0.0.1'],
  [`target-parent.${ZONE}`, 'CAA', '0 issue "letsencrypt.org"'],
  [`wild.${ZONE}`, 'CAA', '0 issue "letsencrypt.org"'],
  [`wild.${ZONE}`, 'CAA', '0 issuewild "certwright"'],
  [`wild-issue.${ZONE}`, 'CAA', '0 issue "certwright"'],
  [`wild-none.${ZONE}`, 'CAA', '0 issue "certwright"'],
  [`wild-none.${ZONE}`, 'CAA', '0 issuewild ";"'],
  [`nobody.${ZONE}`, 'CAA', '0 issue ";"'],
  [`critical.${ZONE}`, 'CAA', '0 issue "certwright"'],
  [`critical.${ZONE}`, 'CAA', '128 tbs "unknown"'],
  [`non-critical.${ZONE}`, 'CAA', '0 issue "certwright"'],
  [`non-critical.${ZONE}`, 'CAA', '0 tbs "unknown"'],
  [`iodef.${ZONE}`, 'CAA', `0 iodef "mailto:security@${ZONE}"`],
  [`params.${ZONE}`, 'CAA', '0 issue "certwright; account=123"'],
  [`case.${ZONE}`, 'CAA', '0 ISSUE " CertWright "'],
  [`pki.${ZONE}`, 'CAA', '0 issue "pki.example.com"'],
  [`plain.${ZONE}`, 'A', '127.0.0.1'],
];

interface Scenario {
  what: string;
  name: string;
  identities?: string[];
  outcome: CaaVerdict['outcome'];
  foundAt?: string;
  message?: string;
}

const SCENARIOS: Scenario[] = [
  {
    what: 'a record at the name naming us',
    name: `at-name.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `at-name.${ZONE}`,
    message: `CAA at at-name.${ZONE} (0 issue "certwright") permits certwright for at-name.${ZONE}`,
  },
  {
    what: 'a record at the name naming another CA',
    name: `other-ca.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `other-ca.${ZONE}`,
    message: `CAA at other-ca.${ZONE} (0 issue "letsencrypt.org") does not permit certwright for other-ca.${ZONE}`,
  },
  {
    what: 'a record at a parent',
    name: `www.parent.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `parent.${ZONE}`,
    message: `CAA at parent.${ZONE} (0 issue "letsencrypt.org") does not permit certwright for www.parent.${ZONE}`,
  },
  {
    what: 'the closest set, over a parent that forbids',
    name: `www.deep.parent.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `deep.parent.${ZONE}`,
  },
  {
    what: 'a set behind a CNAME at the name',
    name: `alias.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `alias.${ZONE}`,
    message: `CAA at alias.${ZONE} (0 issue "letsencrypt.org") does not permit certwright for alias.${ZONE}`,
  },
  {
    what: "no climb over the CNAME target's parents (RFC 8659), only the name's own",
    name: `alias-up.${ZONE}`,
    outcome: 'PERMITTED',
    message: `No CAA records for alias-up.${ZONE} or its parents`,
  },
  {
    what: 'issuewild for a wildcard name',
    name: `*.wild.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `wild.${ZONE}`,
    message: `CAA at wild.${ZONE} (0 issuewild "certwright") permits certwright for *.wild.${ZONE}`,
  },
  {
    what: 'issue, not issuewild, for the base name',
    name: `wild.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `wild.${ZONE}`,
    message: `CAA at wild.${ZONE} (0 issue "letsencrypt.org") does not permit certwright for wild.${ZONE}`,
  },
  {
    what: 'issue for a wildcard when the set has no issuewild',
    name: `*.wild-issue.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `wild-issue.${ZONE}`,
  },
  {
    what: 'issuewild ";" forbids the wildcard',
    name: `*.wild-none.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `wild-none.${ZONE}`,
    message: `CAA at wild-none.${ZONE} (0 issuewild ";") does not permit certwright for *.wild-none.${ZONE}`,
  },
  {
    what: 'issuewild ";" leaves the base name to issue',
    name: `wild-none.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `wild-none.${ZONE}`,
  },
  {
    what: 'the empty issuer',
    name: `nobody.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `nobody.${ZONE}`,
    message: `CAA at nobody.${ZONE} (0 issue ";") does not permit certwright for nobody.${ZONE}`,
  },
  {
    what: 'a critical unknown tag, even beside an issue naming us',
    name: `critical.${ZONE}`,
    outcome: 'FORBIDDEN',
    foundAt: `critical.${ZONE}`,
    message: `CAA at critical.${ZONE} (128 tbs "unknown") does not permit certwright for critical.${ZONE}: critical property not understood`,
  },
  {
    what: 'a non-critical unknown tag',
    name: `non-critical.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `non-critical.${ZONE}`,
  },
  {
    what: 'a set with iodef only',
    name: `www.iodef.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `iodef.${ZONE}`,
    message: `CAA at iodef.${ZONE} (0 iodef "mailto:security@${ZONE}") does not restrict issuance for www.iodef.${ZONE}`,
  },
  {
    what: 'parameters after the issuer',
    name: `params.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `params.${ZONE}`,
  },
  {
    what: 'tag and issuer in another case, with spaces',
    name: `case.${ZONE}`,
    outcome: 'PERMITTED',
    foundAt: `case.${ZONE}`,
  },
  {
    what: 'another of the configured identities',
    name: `pki.${ZONE}`,
    identities: ['certwright', 'pki.example.com'],
    outcome: 'PERMITTED',
    foundAt: `pki.${ZONE}`,
  },
  {
    what: 'an issuer that is none of the configured identities',
    name: `pki.${ZONE}`,
    identities: ['certwright', 'internal-ca'],
    outcome: 'FORBIDDEN',
    foundAt: `pki.${ZONE}`,
    message: `CAA at pki.${ZONE} (0 issue "pki.example.com") does not permit certwright or internal-ca for pki.${ZONE}`,
  },
  {
    what: 'no CAA from the name up to the TLD',
    name: `plain.${ZONE}`,
    outcome: 'PERMITTED',
    message: `No CAA records for plain.${ZONE} or its parents`,
  },
  {
    what: 'a nonexistent name under a zone without CAA',
    name: `missing.${ZONE}`,
    outcome: 'PERMITTED',
  },
];

describe('CAA against BIND', () => {
  let bind: BindServer;
  let resolver: NodeDnsResolver;

  beforeAll(async () => {
    bind = await startBindServer({ zone: ZONE, brokenZones: [BROKEN_ZONE] });
    for (const [name, type, value] of RECORDS) await bind.addRecord(name, type, value);
    resolver = new NodeDnsResolver({ servers: [bind.address], timeoutMs: 1000, tries: 2 });
  });

  afterAll(async () => {
    await bind?.stop();
  });

  it.each(SCENARIOS)('$what: $name is $outcome', async (scenario) => {
    const verdict = await checkCaa(scenario.name, {
      resolver,
      identities: scenario.identities ?? CERTWRIGHT,
    });
    expect(verdict.outcome).toBe(scenario.outcome);
    expect(verdict.name).toBe(scenario.name);
    expect('foundAt' in verdict ? verdict.foundAt : undefined).toBe(scenario.foundAt);
    if (scenario.message) expect(verdict.message).toBe(scenario.message);
  });

  it('reads flags, tag and value of each record, and presents them as a zone file does', async () => {
    const lookup = await resolver.resolveCaa(`critical.${ZONE}`);
    expect(lookup.outcome).toBe('FOUND');
    expect(lookup.caa).toEqual(
      expect.arrayContaining([
        { flags: 0, tag: 'issue', value: 'certwright' },
        { flags: 128, tag: 'tbs', value: 'unknown' },
      ]),
    );
    expect([...lookup.values].sort()).toEqual(['0 issue "certwright"', '128 tbs "unknown"']);
  });

  it('fails closed on SERVFAIL (a zone that did not load), naming where and what was seen', async () => {
    const name = `www.${BROKEN_ZONE}`;
    expect(await resolver.resolveCaa(name)).toMatchObject({ outcome: 'SERVFAIL' });
    expect(await checkCaa(name, { resolver, identities: CERTWRIGHT })).toEqual({
      outcome: 'LOOKUP_FAILED',
      name,
      failedAt: name,
      message: `CAA lookup at ${name} for ${name} failed: SERVFAIL ESERVFAIL from ${bind.address}`,
    });
  });

  it('fails closed on SERVFAIL at a parent when nothing closer has CAA', async () => {
    const name = `a.b.${BROKEN_ZONE}`;
    await expect(checkCaa(`*.${name}`, { resolver, identities: CERTWRIGHT })).resolves.toMatchObject({
      outcome: 'LOOKUP_FAILED',
      failedAt: name,
    });
  });

  describe('with a resolver that never answers', () => {
    let silent: Socket;
    beforeAll(async () => {
      silent = createSocket('udp4');
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
    });
    afterAll(() => silent.close());

    it('fails closed on TIMEOUT', async () => {
      const server = `127.0.0.1:${silent.address().port}`;
      const unanswered = new NodeDnsResolver({ servers: [server], timeoutMs: 100, tries: 1 });
      expect(await checkCaa(`plain.${ZONE}`, { resolver: unanswered, identities: CERTWRIGHT })).toEqual({
        outcome: 'LOOKUP_FAILED',
        name: `plain.${ZONE}`,
        failedAt: `plain.${ZONE}`,
        message: `CAA lookup at plain.${ZONE} for plain.${ZONE} failed: TIMEOUT ETIMEOUT from ${server}`,
      });
    });
  });
});
