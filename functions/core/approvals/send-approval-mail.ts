import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { CertificateStore, Clock, Mailer, Random } from '../ports.ts';
import { approvalMail, approvalUrl } from './approval-mail.ts';
import {
  type ApprovalScope,
  scopeDeadline,
  scopeValidations,
  withScopeValidations,
} from './approval-scope.ts';
import { approvalTokenHash, newApprovalToken } from './approval-token.ts';

export interface ApprovalMailDeps {
  store: CertificateStore;
  mailer: Mailer;
  clock: Clock;
  random: Random;
  /** The approval site, without a trailing slash. */
  approvalBaseUrl: string;
}

/**
 * `first`: the workflow's first mail; a link recorded meanwhile (by a resend) is kept.
 * `replace`: a resend; the new link replaces the current one.
 */
export type ApprovalMailMode = 'first' | 'replace';

/**
 * Mails a fresh approval link for one domain to each of its approver addresses (one message each, so no
 * approver sees the others), then records the link's hash as the domain's current approval.
 *
 * The order is what makes retries safe. The lookup item is written before any mail, so every mailed link
 * resolves; the domain points at the link only after every message went out. A failure half way leaves the
 * previous link (if any) current and a retry mails a new one: mail is at least once, and the link recorded
 * last is the one that works. Recording first would let a retry skip a domain whose mail never left.
 *
 * `moreAddresses` (the domain's WHOIS contacts) are mailed too and added to its recorded addresses in the
 * same write, after the ones it has, so later resends reach them as well.
 *
 * `scope`: a renewal's link approves the name on that renewal's validations, and works until the
 * certificate's NotAfter.
 *
 * Returns true when this link became the current one.
 */
export async function sendApprovalMail(
  deps: ApprovalMailDeps,
  certificate: CertificateRecord,
  domainName: string,
  mode: ApprovalMailMode,
  moreAddresses: readonly string[] = [],
  scope: ApprovalScope = 'ISSUANCE',
): Promise<boolean> {
  const known = scopeValidations(certificate, scope)?.find(
    (dv) => dv.domainName === domainName,
  )?.validationEmails;
  if (!known || known.length === 0) return false;
  const addresses = withAddresses(known, moreAddresses);
  const expiresAt = scopeDeadline(certificate, scope);

  const token = newApprovalToken(deps.random);
  const tokenHash = approvalTokenHash(token);
  await deps.store.saveApproval({
    tokenHash,
    certificateArn: certificate.arn,
    accountId: certificate.accountId,
    certificateId: certificate.id,
    domainName,
    expiresAt,
  });
  const url = approvalUrl(deps.approvalBaseUrl, token);
  for (const to of addresses) {
    await deps.mailer.send(
      approvalMail({
        to,
        domainName,
        certificateArn: certificate.arn,
        accountId: certificate.accountId,
        region: certificate.region,
        approvalUrl: url,
        expiresAt,
        renewal: scope !== 'ISSUANCE',
      }),
    );
  }

  const approval = { tokenHash, sentAt: deps.clock.now().toISOString() };
  let madeCurrent = false;
  await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) => {
    madeCurrent = false;
    const validations = scopeValidations(current, scope);
    const dv = validations?.find((candidate) => candidate.domainName === domainName);
    if (!validations || !dv || !awaitsApproval(dv)) return undefined;
    const before = dv.validationEmails ?? [];
    const validationEmails = withAddresses(before, moreAddresses);
    // A link a resend recorded meanwhile stays current; the addresses mailed now are recorded all the same.
    madeCurrent = !(mode === 'first' && dv.approval);
    if (!madeCurrent && validationEmails.length === before.length) return undefined;
    const changed: DomainValidation = madeCurrent
      ? { ...dv, validationEmails, approval }
      : { ...dv, validationEmails };
    return withScopeValidations(
      current,
      scope,
      validations.map((candidate) => (candidate === dv ? changed : candidate)),
    );
  });
  return madeCurrent;
}

/** `addresses` followed by those of `more` it does not have yet. */
function withAddresses(addresses: readonly string[], more: readonly string[]): string[] {
  return [...new Set([...addresses, ...more])];
}

/** An EMAIL-validated domain nobody has approved yet. */
export function awaitsApproval(dv: DomainValidation): boolean {
  return dv.validationMethod === 'EMAIL' && dv.status === 'PENDING_VALIDATION';
}
