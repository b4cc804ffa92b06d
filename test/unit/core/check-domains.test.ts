/**
 * CheckDomains' use case on the real store (dynalite) with a scripted resolver: what each name needs, what
 * DNS, CAA and the domain policy say, the quota counts, and that nothing is written.
 */
import { describe, expect, it } from 'vitest';
import { DirectDomainProbe } from '../../../functions/adapters/local/direct-domain-probe.ts';
import { requestCertificate } from '../../../functions/core/certificates/request-certificate.ts';
import {
  InvalidDomainValidationOptionsError,
  LimitExceededError,
  ValidationError,
} from '../../../functions/core/errors.ts';
import { type CheckDomainsDeps, checkDomains } from '../../../functions/core/preflight/check-domains.ts';
import { validationRecordFor } from '../../../functions/core/validation/validation-record.ts';
import { FakeClock } from '../../support/fake-clock.ts';
import {
  accountSeries,
  caaLookup,
  HmacMac,
  lookup,
  requestCertificateDeps,
  ScriptedResolver,
  TEST_SETTINGS,
  useDynaliteStore,
  VALIDATION_DOMAIN,
} from './core-fixtures.ts';

const dynamo = useDynaliteStore();

const nextAccount = accountSeries(900_000_000_000, '0000');
const mac = new HmacMac();

function setup(settings = TEST_SETTINGS) {
  const { accountId, random } = nextAccount();
  const resolver = new ScriptedResolver();
  const deps: CheckDomainsDeps = {
    store: dynamo.store,
    clock: new FakeClock(new Date('2026-03-01T12:00:00.000Z')),
    mac,
    settings,
    probe: new DirectDomainProbe(resolver, settings.caaIdentities),
    ownZone: (name) => name === 'home.arpa' || name.endsWith('.home.arpa'),
  };
  return { accountId, random, resolver, deps };
}

async function recordName(accountId: string, domain: string) {
  return validationRecordFor(mac, accountId, domain, VALIDATION_DOMAIN);
}

describe('checkDomains', () => {
  it('gives the record RequestCertificate would give and tells whether DNS has it', async () => {
    const { accountId, resolver, deps } = setup();
    const record = await recordName(accountId, 'www.example.test');
    const missing = await checkDomains(deps, accountId, { domainNames: ['www.example.test'] });
    expect(missing.domains).toEqual([
      {
        domainName: 'www.example.test',
        validationMethod: 'DNS',
        resourceRecord: record,
        recordInPlace: false,
        recordFound: [],
        caa: { permitted: true, message: 'No CAA records for www.example.test or its parents' },
        policy: { allowed: true },
      },
    ]);
    expect(missing.wouldValidateNow).toBe(false);

    resolver.answer('CNAME', record.Name, lookup('FOUND', [record.Value.slice(0, -1)]));
    const present = await checkDomains(deps, accountId, { domainNames: ['WWW.example.test'] });
    expect(present.domains[0]).toMatchObject({
      recordInPlace: true,
      recordFound: [record.Value.slice(0, -1)],
    });
    expect(present.wouldValidateNow).toBe(true);
  });

  it('reports the values found at a record of the wrong value', async () => {
    const { accountId, resolver, deps } = setup();
    const record = await recordName(accountId, 'app.example.test');
    resolver.answer('CNAME', record.Name, lookup('FOUND', ['elsewhere.example.test']));
    const result = await checkDomains(deps, accountId, { domainNames: ['app.example.test'] });
    expect(result.domains[0]).toMatchObject({
      recordInPlace: false,
      recordFound: ['elsewhere.example.test'],
    });
    expect(result.wouldValidateNow).toBe(false);
  });

  it('says one record serves *.x and x, and looks it up once', async () => {
    const { accountId, resolver, deps } = setup();
    const record = await recordName(accountId, 'shop.example.test');
    resolver.answer('CNAME', record.Name, lookup('FOUND', [record.Value]));
    const result = await checkDomains(deps, accountId, {
      domainNames: ['shop.example.test', '*.shop.example.test'],
    });
    const [bare, wildcard] = result.domains;
    expect(bare).toMatchObject({ sharesRecordWith: '*.shop.example.test', resourceRecord: record });
    expect(wildcard).toMatchObject({ sharesRecordWith: 'shop.example.test', resourceRecord: record });
    expect(wildcard?.note).toBe(
      'One record validates both *.shop.example.test and shop.example.test: create it once.',
    );
    expect(resolver.queries.filter((query) => query.type === 'CNAME')).toHaveLength(1);
    expect(result.wouldValidateNow).toBe(true);
  });

  it('reports a forbidding CAA and a failed CAA lookup', async () => {
    const { accountId, resolver, deps } = setup();
    for (const domain of ['locked.example.test', 'flaky.example.test']) {
      const record = await recordName(accountId, domain);
      resolver.answer('CNAME', record.Name, lookup('FOUND', [record.Value]));
    }
    resolver.answer(
      'CAA',
      'locked.example.test',
      caaLookup({ flags: 0, tag: 'issue', value: 'other-ca.test' }),
    );
    resolver.answer('CAA', 'flaky.example.test', lookup('SERVFAIL'));
    const result = await checkDomains(deps, accountId, {
      domainNames: ['locked.example.test', 'flaky.example.test'],
    });
    expect(result.domains.map((domain) => domain.caa)).toEqual([
      {
        permitted: false,
        message:
          'CAA at locked.example.test (0 issue "other-ca.test") does not permit certwright for locked.example.test',
      },
      { permitted: null, message: expect.stringContaining('CAA lookup at flaky.example.test') },
    ]);
    expect(result.domains.every((domain) => domain.recordInPlace)).toBe(true);
    expect(result.wouldValidateNow).toBe(false);
  });

  it('tells each name what the allow list, the deny list and the public suffix rule do with it', async () => {
    const { accountId, deps } = setup({
      ...TEST_SETTINGS,
      domainPolicy: { allowed: ['.example.test', '.co.uk', '.home.arpa'], denied: ['.secret.example.test'] },
    });
    const result = await checkDomains(deps, accountId, {
      domainNames: ['www.example.test', 'db.secret.example.test', 'other.test', '*.co.uk', 'home.arpa'],
    });
    expect(
      result.domains.map((domain) => [domain.domainName, domain.policy.allowed, domain.policy.reason]),
    ).toEqual([
      ['www.example.test', true, undefined],
      ['db.secret.example.test', false, 'DOMAIN_NOT_ALLOWED'],
      ['other.test', false, 'NOT_ALLOWED'],
      ['*.co.uk', false, 'INVALID_PUBLIC_DOMAIN'],
      ['home.arpa', true, undefined],
    ]);
    expect(result.domains[2]?.policy.message).toContain('this deployment certifies only .example.test');
  });

  it('gives EMAIL names their approver addresses and no record', async () => {
    const { accountId, resolver, deps } = setup();
    const result = await checkDomains(deps, accountId, {
      domainNames: ['www.mail.example.test'],
      validationMethod: 'EMAIL',
      domainValidationOptions: [{ domainName: 'www.mail.example.test', validationDomain: 'example.test' }],
    });
    expect(result.domains[0]).toEqual({
      domainName: 'www.mail.example.test',
      validationMethod: 'EMAIL',
      recordInPlace: null,
      caa: { permitted: true, message: 'No CAA records for www.mail.example.test or its parents' },
      policy: { allowed: true },
      validationEmails: ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'].map(
        (mailbox) => `${mailbox}@example.test`,
      ),
    });
    expect(resolver.queries).toEqual([]);
    expect(result.wouldValidateNow).toBe(false);
  });

  it('counts the quotas without writing anything, and refuses at a full quota', async () => {
    const settings = { ...TEST_SETTINGS, quotas: { certificatesPerAccount: 2, requestsPerYear: 5 } };
    const { accountId, random, resolver, deps } = setup(settings);
    const record = await recordName(accountId, 'q.example.test');
    resolver.answer('CNAME', record.Name, lookup('FOUND', [record.Value]));
    const empty = await checkDomains(deps, accountId, { domainNames: ['q.example.test'] });
    expect(empty.quota).toEqual({
      certificatesHeld: 0,
      certificatesLimit: 2,
      requestsLastYear: 0,
      requestsLimit: 5,
    });
    expect(empty.wouldValidateNow).toBe(true);
    expect((await dynamo.store.list(accountId, { limit: 10 })).certificates).toEqual([]);

    const requestDeps = requestCertificateDeps(deps.store, deps.clock, { random, mac, settings });
    for (const name of ['a.example.test', 'b.example.test'])
      await requestCertificate(requestDeps, accountId, { domainName: name, validationMethod: 'DNS' });
    const full = await checkDomains(deps, accountId, { domainNames: ['q.example.test'] });
    expect(full.quota).toEqual({
      certificatesHeld: 2,
      certificatesLimit: 2,
      requestsLastYear: 2,
      requestsLimit: 5,
    });
    expect(full.domains[0]?.recordInPlace).toBe(true);
    expect(full.wouldValidateNow).toBe(false);
  });

  it("refuses input as RequestCertificate does, naming DomainNames' members", async () => {
    const { accountId, deps } = setup({ ...TEST_SETTINGS, maxDomainsPerCertificate: 2 });
    await expect(checkDomains(deps, accountId, { domainNames: [] })).rejects.toThrow(
      "Value '[]' at 'domainNames' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    await expect(
      checkDomains(deps, accountId, { domainNames: ['ok.test', 'bad_name.test'] }),
    ).rejects.toThrow(ValidationError);
    await expect(
      checkDomains(deps, accountId, { domainNames: ['ok.test', 'bad_name.test'] }),
    ).rejects.toThrow("at 'domainNames.2.member'");
    await expect(
      checkDomains(deps, accountId, { domainNames: ['a.test', 'b.test', 'c.test'] }),
    ).rejects.toThrow(LimitExceededError);
    await expect(
      checkDomains(deps, accountId, {
        domainNames: ['a.test'],
        domainValidationOptions: [{ domainName: 'b.test', validationDomain: 'b.test' }],
      }),
    ).rejects.toThrow(InvalidDomainValidationOptionsError);
  });
});
