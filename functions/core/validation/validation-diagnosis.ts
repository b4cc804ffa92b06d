import type { CertificateStatus, DomainValidation, LastCheck } from '../model.ts';
import type { DnsProofOutcome } from './dns-proof.ts';
import { withoutTrailingDot } from './validation-record.ts';

/** What a name's diagnosis says, as DescribeCertificate's ValidationDiagnosis.Outcome names it. */
export type DiagnosisOutcome =
  | DnsProofOutcome
  | 'CAA_FORBIDDEN'
  | 'CAA_LOOKUP_FAILED'
  | 'CAA_PERMITTED'
  | 'NOT_CHECKED_YET'
  | 'AWAITING_APPROVAL'
  | 'UNKNOWN';

export interface ValidationDiagnosis {
  outcome: DiagnosisOutcome;
  /** One or two sentences for a person: what was seen, and what to do about it. */
  message: string;
  /** ISO-8601. */
  checkedAt?: string;
  /** ISO-8601; only while the name is still waiting for proof. */
  nextCheckAt?: string;
  found?: string[];
  server?: string;
}

/**
 * Why a name is (or is not) validated, in words, from what the last check recorded. Undefined when there is
 * nothing to say: a name of a certificate past validation that was never checked.
 */
export function diagnoseValidation(
  dv: DomainValidation,
  certificateStatus: CertificateStatus,
): ValidationDiagnosis | undefined {
  const check = dv.lastCheck;
  // A proven name whose CAA lookup failed is still waiting: issuance needs a CAA answer.
  const waiting =
    certificateStatus === 'PENDING_VALIDATION' &&
    (dv.status === 'PENDING_VALIDATION' || check?.outcome === 'CAA_LOOKUP_FAILED');
  if (dv.validationMethod === 'EMAIL' && check?.outcome.startsWith('CAA_') !== true)
    return waiting ? awaitingApproval(dv) : undefined;
  if (!check) {
    return waiting
      ? {
          outcome: 'NOT_CHECKED_YET',
          message: 'Not checked yet: the first check runs within seconds of the request.',
        }
      : undefined;
  }
  const { outcome, message } = explain(dv, check);
  return {
    outcome,
    message,
    checkedAt: check.at,
    ...(waiting && check.nextCheckAt ? { nextCheckAt: check.nextCheckAt } : {}),
    ...foundValues(outcome, check),
    ...(check.server ? { server: check.server } : {}),
  };
}

function explain(dv: DomainValidation, check: LastCheck): { outcome: DiagnosisOutcome; message: string } {
  const name = dv.resourceRecord ? withoutTrailingDot(dv.resourceRecord.Name) : dv.domainName;
  const expected = dv.resourceRecord ? withoutTrailingDot(dv.resourceRecord.Value) : '(no record)';
  const found = foundValues(check.outcome, check).found?.join(', ') ?? '';
  const from = check.server ? ` from ${check.server}` : '';
  switch (check.outcome) {
    case 'CNAME_MATCH':
      return { outcome: 'CNAME_MATCH', message: `Validated: ${name} is a CNAME to ${expected}.` };
    case 'TXT_MATCH':
      return { outcome: 'TXT_MATCH', message: `Validated: ${name} has a TXT record with ${expected}.` };
    case 'CNAME_MISMATCH':
      return {
        outcome: 'CNAME_MISMATCH',
        message: `${name} is a CNAME to ${found}, not to ${expected}. Change the record's value to the ResourceRecord Value.`,
      };
    case 'TXT_MISMATCH':
      return {
        outcome: 'TXT_MISMATCH',
        message: `${name} has TXT ${quoted(check)} but none with ${expected}. Publish the ResourceRecord Value as the text, or the CNAME instead.`,
      };
    case 'NO_RECORD':
      return {
        outcome: 'NO_RECORD',
        message: `${name} exists but has no CNAME or TXT record${check.server ? ` (answer${from})` : ''}. Create the CNAME from the ResourceRecord.`,
      };
    case 'NXDOMAIN':
      return {
        outcome: 'NXDOMAIN',
        message: `${name} does not exist (NXDOMAIN${from}). Create the CNAME from the ResourceRecord, in the zone the resolvers see.`,
      };
    case 'RESOLVER_ERROR':
      return { outcome: 'RESOLVER_ERROR', message: resolverErrorMessage(name, check) };
    case 'CAA_FORBIDDEN':
      return {
        outcome: 'CAA_FORBIDDEN',
        message: `${sentence(check.detail, 'A CAA record forbids this CA')}. Change the CAA record to name this CA (or remove it), then request a new certificate: this one has failed.`,
      };
    case 'CAA_LOOKUP_FAILED':
      return {
        outcome: 'CAA_LOOKUP_FAILED',
        message: `${sentence(check.detail, 'The CAA lookup failed')}. Control is proven, but nothing is issued without a CAA answer; checks go on.`,
      };
    case 'CAA_PERMITTED':
      return { outcome: 'CAA_PERMITTED', message: `${sentence(check.detail, 'CAA permits this CA')}.` };
    default:
      return {
        outcome: 'UNKNOWN',
        message: check.detail ? `${check.outcome}: ${check.detail}` : `Last check: ${check.outcome}.`,
      };
  }
}

/** The record values a mismatch found; records written before `found` existed carry them in `detail`. */
function foundValues(outcome: string, check: LastCheck): { found?: string[] } {
  if (outcome !== 'CNAME_MISMATCH' && outcome !== 'TXT_MISMATCH') return {};
  const found = check.found ?? (check.detail ? check.detail.split(', ') : []);
  return found.length > 0 ? { found } : {};
}

/** The check's own words without a closing full stop, or `fallback` when it recorded none. */
function sentence(detail: string | undefined, fallback: string): string {
  return (detail ?? fallback).replace(/\.$/, '');
}

function quoted(check: LastCheck): string {
  return (foundValues(check.outcome, check).found ?? []).map((value) => JSON.stringify(value)).join(', ');
}

const RESOLVER_FAILURES: Record<string, string> = {
  SERVFAIL: 'answered SERVFAIL (the server could not resolve the name)',
  TIMEOUT: 'did not answer in time',
  REFUSED: 'refused the query',
};

function resolverErrorMessage(name: string, check: LastCheck): string {
  const rcode = check.detail?.split(' ')[0] ?? '';
  const server = check.server ?? 'the DNS server';
  const what = RESOLVER_FAILURES[rcode] ?? `failed (${check.detail ?? 'no detail'})`;
  return `The lookup of ${name} could not tell whether the record exists: ${server} ${what}. Checks go on; make sure that server can resolve the zone.`;
}

function awaitingApproval(dv: DomainValidation): ValidationDiagnosis {
  const addresses = dv.validationEmails?.length ?? 0;
  if (!dv.approval) {
    return {
      outcome: 'AWAITING_APPROVAL',
      message: `Waiting for approval: the approval mail to the ${addresses} addresses at ${dv.validationDomain} is not sent yet.`,
    };
  }
  return {
    outcome: 'AWAITING_APPROVAL',
    message: `Waiting for approval: the approval mail went to ${addresses} addresses at ${dv.validationDomain} at ${dv.approval.sentAt}; open its link and press Approve, or resend it.`,
  };
}
