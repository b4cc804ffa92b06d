import type { ApprovalScope } from '../approvals/approval-scope.ts';
import { type ApprovalMailDeps, awaitsApproval, sendApprovalMail } from '../approvals/send-approval-mail.ts';
import { whoisApprovers } from '../approvals/whois-approvers.ts';
import { parseCertificateArn } from '../arn.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import { passesDomainPolicy } from '../policy/policy-gate.ts';
import type { CertificateStore, DnsZoneWriter, WhoisLookup } from '../ports.ts';
import type { DomainPolicy } from '../settings.ts';
import { withoutTrailingDot } from './validation-record.ts';

export type PublishValidationDeps = ApprovalMailDeps & {
  store: CertificateStore;
  zoneWriter: DnsZoneWriter;
  /** Set only where a WHOIS server is configured: then each domain's WHOIS contacts are mailed too. */
  whois?: WhoisLookup;
  /** The deployment's domain policy; only its deny list is read here. Unset: no name is denied. */
  domainPolicy?: DomainPolicy;
};

export interface PublishedValidation {
  /** DNS: the record names written into managed zones. */
  published: string[];
  /** EMAIL: the domains whose approval mail went out now. */
  mailed: string[];
}

/**
 * The workflow's first step: puts each pending name's proof request where its owner will see it.
 * DNS: writes the validation CNAMEs into the DNS zones this deployment manages (Route 53 hosted zones, or
 * the local zones), as ACM's console does with "Create records in Route 53"; names outside those zones are
 * left to the user. EMAIL: mails an approval link for each domain that has no current link (a rerun of the
 * workflow, or a retry after a domain was recorded, mails only the rest), to its approver addresses and,
 * with a WhoisLookup, to its WHOIS contacts, which are recorded among its ValidationEmails. EMAIL
 * certificates never get DNS records.
 *
 * Before any of that, the domain policy: a certificate with a public suffix (or a wildcard directly under
 * one) becomes FAILED with INVALID_PUBLIC_DOMAIN, one with a denied name FAILED with DOMAIN_NOT_ALLOWED,
 * and nothing is published or mailed for it.
 */
export async function publishValidationRecords(
  deps: PublishValidationDeps,
  arn: string,
): Promise<PublishedValidation> {
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await deps.store.get(accountId, certificateId);
  if (certificate?.status !== 'PENDING_VALIDATION') return { published: [], mailed: [] };
  const rules = {
    denied: deps.domainPolicy?.denied ?? [],
    ownZone: (name: string) => deps.zoneWriter.manages(name),
  };
  if (!(await passesDomainPolicy(deps.store, certificate, rules))) return { published: [], mailed: [] };
  // Links mailed after the deadline could never be used; the check step times the certificate out.
  const mailable = deps.clock.now().getTime() < Date.parse(certificate.validationDeadline);
  return {
    published: await writeRecords(deps, certificate.domainValidations),
    mailed: mailable ? await mailApprovals(deps, certificate, certificate.domainValidations, 'ISSUANCE') : [],
  };
}

/** Writes the validation CNAMEs of the DNS-validated names that fall in managed zones; answers their names. */
export async function writeRecords(
  deps: Pick<PublishValidationDeps, 'zoneWriter'>,
  validations: readonly DomainValidation[],
): Promise<string[]> {
  const records = new Map<string, string>();
  for (const dv of validations) {
    const record = dv.resourceRecord;
    if (dv.validationMethod !== 'DNS' || !record) continue;
    const name = withoutTrailingDot(record.Name);
    if (deps.zoneWriter.manages(name)) records.set(name, withoutTrailingDot(record.Value));
  }
  for (const [name, value] of records) await deps.zoneWriter.upsertCname(name, value);
  return [...records.keys()];
}

/** Mails an approval link for each name of `validations` that awaits approval and has no link yet. */
export async function mailApprovals(
  deps: PublishValidationDeps,
  certificate: CertificateRecord,
  validations: readonly DomainValidation[],
  scope: ApprovalScope,
): Promise<string[]> {
  const unmailed = validations.filter((dv) => awaitsApproval(dv) && !dv.approval);
  const whoisContacts = await whoisApprovers(deps.whois, unmailed);
  const mailed: string[] = [];
  for (const { domainName } of unmailed) {
    const contacts = whoisContacts.get(domainName) ?? [];
    if (await sendApprovalMail(deps, certificate, domainName, 'first', contacts, scope))
      mailed.push(domainName);
  }
  return mailed;
}
