import { canonicalDnsName } from '../dns-zones.ts';
import { baseDomain } from '../domain-names.ts';
import type { ResourceRecord } from '../model.ts';
import type { SecretMac } from '../ports.ts';

const TOKEN_HEX_LENGTH = 32;

async function token(mac: SecretMac, purpose: string, accountId: string, domain: string): Promise<string> {
  const digest = await mac.mac(purpose, `${accountId}\n${domain}`);
  return Buffer.from(digest).toString('hex').slice(0, TOKEN_HEX_LENGTH);
}

/**
 * The CNAME that proves control of `domainName` for `accountId`. Derived, not random: the same name in the
 * same account always gets the same record, and `*.example.com` shares the record of `example.com`.
 */
export async function validationRecordFor(
  mac: SecretMac,
  accountId: string,
  domainName: string,
  validationDomain: string,
): Promise<ResourceRecord> {
  const domain = baseDomain(domainName);
  const [nameToken, valueToken] = await Promise.all([
    token(mac, 'dns-validation-name', accountId, domain),
    token(mac, 'dns-validation-value', accountId, domain),
  ]);
  return { Name: `_${nameToken}.${domain}.`, Type: 'CNAME', Value: `_${valueToken}.${validationDomain}.` };
}

export function withoutTrailingDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

export function sameDnsName(a: string, b: string): boolean {
  return canonicalDnsName(a) === canonicalDnsName(b);
}
