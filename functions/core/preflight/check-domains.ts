import { approverAddresses } from '../approvals/approver-addresses.ts';
import {
  checkDomainValidationOptions,
  type DomainValidationOption,
} from '../certificates/request-certificate.ts';
import { checkLength } from '../constraint-violation.ts';
import { baseDomain, checkDomainName, collectCertificateNames } from '../domain-names.ts';
import type { ResourceRecord } from '../model.ts';
import { requestWindow } from '../policy/request-window.ts';
import type { CertificateStore, Clock, DomainProbe, DomainProbeAnswer, SecretMac } from '../ports.ts';
import type { CertwrightSettings } from '../settings.ts';
import { validationRecordFor } from '../validation/validation-record.ts';
import { type NamePolicyVerdict, namePolicyVerdict } from './name-policy.ts';

export interface CheckDomainsDeps {
  store: CertificateStore;
  clock: Clock;
  mac: SecretMac;
  settings: CertwrightSettings;
  probe: DomainProbe;
  /** True for names inside the deployment's own DNS zones, which are never public suffixes. */
  ownZone: (name: string) => boolean;
}

export interface DomainsCheck {
  domainNames: string[];
  /** DNS when omitted. */
  validationMethod?: 'DNS' | 'EMAIL';
  domainValidationOptions?: readonly DomainValidationOption[];
}

export interface DomainCheck {
  domainName: string;
  validationMethod: 'DNS' | 'EMAIL';
  resourceRecord?: ResourceRecord;
  /** null for EMAIL: no record proves those names. */
  recordInPlace: boolean | null;
  recordFound?: string[];
  caa: { permitted: boolean | null; message: string };
  policy: NamePolicyVerdict;
  /** The other name on this check that the same record validates (`*.x` and `x`). */
  sharesRecordWith?: string;
  note?: string;
  validationEmails?: string[];
}

export interface DomainsCheckResult {
  domains: DomainCheck[];
  quota: {
    certificatesHeld: number;
    certificatesLimit: number;
    requestsLastYear: number;
    requestsLimit: number;
  };
  wouldValidateNow: boolean;
}

const MAX_LISTED_NAMES = 100;

/**
 * Tells, before anything is requested, how each name would fare: the record it needs and whether DNS has
 * it, what CAA says, what the domain policy says, and the account's quota. Writes nothing. The lookups
 * happen behind the DomainProbe port, where DNS may be resolved.
 *
 * WouldValidateNow: a request made now would be accepted and issued at its first check, which needs every
 * name allowed, its CAA answer permitting, its DNS record in place (EMAIL names always wait for an approver),
 * and room in both quotas.
 */
export async function checkDomains(
  deps: CheckDomainsDeps,
  accountId: string,
  check: DomainsCheck,
): Promise<DomainsCheckResult> {
  const names = checkedNames(check.domainNames, deps.settings.maxDomainsPerCertificate);
  const validationDomains = checkDomainValidationOptions(names, check.domainValidationOptions ?? []);
  const method = check.validationMethod ?? 'DNS';
  const records = await Promise.all(
    names.map((name) =>
      method === 'DNS'
        ? validationRecordFor(deps.mac, accountId, name, deps.settings.validationDomain)
        : undefined,
    ),
  );
  const [answers, usage] = await Promise.all([
    deps.probe.probe(names.map((domainName, index) => ({ domainName, resourceRecord: records[index] }))),
    deps.store.peekQuotaUsage(accountId, requestWindow(deps.clock.now())),
  ]);
  const domains = names.map((name, index) =>
    domainCheck(deps, name, names, method, records[index], answerFor(answers, name), validationDomains[name]),
  );
  const { certificatesPerAccount, requestsPerYear } = deps.settings.quotas;
  const quotaRoom = usage.certificates < certificatesPerAccount && usage.requests < requestsPerYear;
  return {
    domains,
    quota: {
      certificatesHeld: usage.certificates,
      certificatesLimit: certificatesPerAccount,
      requestsLastYear: usage.requests,
      requestsLimit: requestsPerYear,
    },
    wouldValidateNow:
      quotaRoom &&
      domains.every(
        (domain) => domain.policy.allowed && domain.caa.permitted === true && domain.recordInPlace,
      ),
  };
}

/** DomainNames with RequestCertificate's checks, each member named by its place in the list. */
function checkedNames(domainNames: string[], maxNames: number): string[] {
  checkLength(domainNames, 'domainNames', 1, MAX_LISTED_NAMES);
  domainNames.forEach((name, index) => {
    checkDomainName(name, `domainNames.${index + 1}.member`);
  });
  const [first, ...rest] = domainNames as [string, ...string[]];
  return collectCertificateNames(first, rest.length > 0 ? rest : undefined, maxNames);
}

function answerFor(answers: DomainProbeAnswer[], name: string): DomainProbeAnswer {
  const answer = answers.find((candidate) => candidate.domainName === name);
  if (!answer) throw new Error(`The domain probe gave no answer for ${name}`);
  return answer;
}

function domainCheck(
  deps: CheckDomainsDeps,
  name: string,
  names: string[],
  method: 'DNS' | 'EMAIL',
  record: ResourceRecord | undefined,
  answer: DomainProbeAnswer,
  givenValidationDomain: string | undefined,
): DomainCheck {
  const policy = namePolicyVerdict(name, deps.settings.domainPolicy, deps.ownZone);
  if (method === 'EMAIL') {
    return {
      domainName: name,
      validationMethod: method,
      recordInPlace: null,
      caa: answer.caa,
      policy,
      validationEmails: approverAddresses(name, givenValidationDomain),
    };
  }
  const partner = names.find((other) => other !== name && baseDomain(other) === baseDomain(name));
  return {
    domainName: name,
    validationMethod: method,
    resourceRecord: record,
    recordInPlace: answer.record?.inPlace ?? false,
    recordFound: answer.record?.found ?? [],
    caa: answer.caa,
    policy,
    ...(partner
      ? {
          sharesRecordWith: partner,
          note: `One record validates both ${name} and ${partner}: create it once.`,
        }
      : {}),
  };
}
