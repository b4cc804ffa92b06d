import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  sameDnsName,
  validationRecordFor,
  withoutTrailingDot,
} from '../../../functions/core/validation/validation-record.ts';
import { ACCOUNT, HmacMac, OTHER_ACCOUNT, VALIDATION_DOMAIN } from './core-fixtures.ts';

const mac = new HmacMac();
const RECORD_NAME = /^_([0-9a-f]{32})\.(.+)\.$/;

function tokens(record: { Name: string; Value: string }) {
  const name = RECORD_NAME.exec(record.Name);
  const value = RECORD_NAME.exec(record.Value);
  if (!name || !value) throw new Error(`unexpected record shape: ${record.Name} → ${record.Value}`);
  return { nameToken: name[1], nameBase: name[2], valueToken: value[1], valueBase: value[2] };
}

/** Lowercase DNS names as RequestCertificate leaves them: 1–4 labels under a TLD, optionally a wildcard. */
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const domainName = fc
  .tuple(fc.boolean(), fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom('com', 'test', 'io'))
  .map(([wildcard, labels, tld]) => `${wildcard ? '*.' : ''}${[...labels, tld].join('.')}`);
const accountId = fc.stringMatching(/^[0-9]{12}$/);

describe('validationRecordFor', () => {
  it('is a CNAME from _<32 hex>.<name>. to _<32 hex>.<validation domain>.', async () => {
    const record = await validationRecordFor(mac, ACCOUNT, 'www.example.com', VALIDATION_DOMAIN);
    expect(record.Type).toBe('CNAME');
    expect(record.Name).toMatch(/^_[0-9a-f]{32}\.www\.example\.com\.$/);
    expect(record.Value).toMatch(/^_[0-9a-f]{32}\.acm-validations\.certwright\.test\.$/);
  });

  it('gives the same name in the same account the same record every time', async () => {
    const first = await validationRecordFor(mac, ACCOUNT, 'www.example.com', VALIDATION_DOMAIN);
    const again = await validationRecordFor(mac, ACCOUNT, 'www.example.com', VALIDATION_DOMAIN);
    const freshMacSameSecret = await validationRecordFor(
      new HmacMac(),
      ACCOUNT,
      'www.example.com',
      VALIDATION_DOMAIN,
    );
    expect(again).toEqual(first);
    expect(freshMacSameSecret).toEqual(first);
  });

  it('gives the same name in another account another record (both tokens differ)', async () => {
    const mine = tokens(await validationRecordFor(mac, ACCOUNT, 'www.example.com', VALIDATION_DOMAIN));
    const theirs = tokens(
      await validationRecordFor(mac, OTHER_ACCOUNT, 'www.example.com', VALIDATION_DOMAIN),
    );
    expect(theirs.nameBase).toBe(mine.nameBase);
    expect(theirs.nameToken).not.toBe(mine.nameToken);
    expect(theirs.valueToken).not.toBe(mine.valueToken);
  });

  it('gives another name in the same account another record', async () => {
    const www = tokens(await validationRecordFor(mac, ACCOUNT, 'www.example.com', VALIDATION_DOMAIN));
    const api = tokens(await validationRecordFor(mac, ACCOUNT, 'api.example.com', VALIDATION_DOMAIN));
    expect(api.nameToken).not.toBe(www.nameToken);
    expect(api.valueToken).not.toBe(www.valueToken);
  });

  it('depends on the deployment secret', async () => {
    const ours = await validationRecordFor(mac, ACCOUNT, 'www.example.com', VALIDATION_DOMAIN);
    const otherDeployment = await validationRecordFor(
      new HmacMac('another-secret'),
      ACCOUNT,
      'www.example.com',
      VALIDATION_DOMAIN,
    );
    expect(otherDeployment.Name).not.toBe(ours.Name);
    expect(otherDeployment.Value).not.toBe(ours.Value);
  });

  it('gives *.example.com exactly the record of example.com', async () => {
    const wildcard = await validationRecordFor(mac, ACCOUNT, '*.example.com', VALIDATION_DOMAIN);
    const bare = await validationRecordFor(mac, ACCOUNT, 'example.com', VALIDATION_DOMAIN);
    expect(wildcard).toEqual(bare);
    expect(wildcard.Name).toMatch(/^_[0-9a-f]{32}\.example\.com\.$/);
  });

  it('puts the value under the configured validation domain, whatever the name', async () => {
    const record = await validationRecordFor(mac, ACCOUNT, 'a.b.example.org', 'validations.example.net');
    expect(record.Name.endsWith('.a.b.example.org.')).toBe(true);
    expect(record.Value).toMatch(/^_[0-9a-f]{32}\.validations\.example\.net\.$/);
  });

  it('for any valid name and account: well formed, wildcard-free name, and name token ≠ value token', async () => {
    await fc.assert(
      fc.asyncProperty(accountId, domainName, async (account, name) => {
        const record = await validationRecordFor(mac, account, name, VALIDATION_DOMAIN);
        const parts = tokens(record);
        expect(parts.nameBase).toBe(name.replace(/^\*\./, ''));
        expect(parts.valueBase).toBe(VALIDATION_DOMAIN);
        expect(parts.nameToken).not.toBe(parts.valueToken);
        expect(record).toEqual(await validationRecordFor(mac, account, name, VALIDATION_DOMAIN));
      }),
      { numRuns: 200 },
    );
  });

  it('for any two different accounts: different records for the same name', async () => {
    await fc.assert(
      fc.asyncProperty(accountId, accountId, domainName, async (a, b, name) => {
        fc.pre(a !== b);
        const first = await validationRecordFor(mac, a, name, VALIDATION_DOMAIN);
        const second = await validationRecordFor(mac, b, name, VALIDATION_DOMAIN);
        expect(second.Name).not.toBe(first.Name);
        expect(second.Value).not.toBe(first.Value);
      }),
      { numRuns: 100 },
    );
  });
});

describe('withoutTrailingDot', () => {
  it('removes one trailing dot and leaves other names alone', () => {
    expect(withoutTrailingDot('example.com.')).toBe('example.com');
    expect(withoutTrailingDot('example.com')).toBe('example.com');
    expect(withoutTrailingDot('.')).toBe('');
    expect(withoutTrailingDot('')).toBe('');
  });

  it('removes only the last dot', () => {
    expect(withoutTrailingDot('example.com..')).toBe('example.com.');
  });
});

describe('sameDnsName', () => {
  it('ignores ASCII case and one trailing dot on either side', () => {
    expect(sameDnsName('_ABC.Example.COM.', '_abc.example.com')).toBe(true);
    expect(sameDnsName('_abc.example.com', '_ABC.EXAMPLE.COM.')).toBe(true);
    expect(sameDnsName('example.com.', 'example.com.')).toBe(true);
  });

  it('tells different names apart', () => {
    expect(sameDnsName('_abc.example.com', '_abd.example.com')).toBe(false);
    expect(sameDnsName('example.com', 'www.example.com')).toBe(false);
    expect(sameDnsName('example.com', 'example.com..')).toBe(false);
  });

  it('is reflexive and symmetric, and agrees with a trailing dot added to either side', () => {
    fc.assert(
      fc.property(domainName, domainName, fc.boolean(), (a, b, dot) => {
        expect(sameDnsName(a, a.toUpperCase())).toBe(true);
        expect(sameDnsName(a, b)).toBe(sameDnsName(b, a));
        expect(sameDnsName(dot ? `${a}.` : a, b)).toBe(a === b);
      }),
    );
  });
});
