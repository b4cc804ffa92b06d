import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { CertificateStore, Clock, Mailer, Random } from '../ports.ts';
import { approvalMail, approvalUrl } from './approval-mail.ts';
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
 * Returns true when this link became the current one.
 */
export async function sendApprovalMail(
  deps: ApprovalMailDeps,
  certificate: CertificateRecord,
  domainName: string,
  mode: ApprovalMailMode,
): Promise<boolean> {
  const addresses = certificate.domainValidations.find(
    (dv) => dv.domainName === domainName,
  )?.validationEmails;
  if (!addresses || addresses.length === 0) return false;

  const token = newApprovalToken(deps.random);
  const tokenHash = approvalTokenHash(token);
  await deps.store.saveApproval({
    tokenHash,
    certificateArn: certificate.arn,
    accountId: certificate.accountId,
    certificateId: certificate.id,
    domainName,
    expiresAt: certificate.validationDeadline,
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
        expiresAt: certificate.validationDeadline,
      }),
    );
  }

  const approval = { tokenHash, sentAt: deps.clock.now().toISOString() };
  let recorded = false;
  await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) => {
    recorded = false;
    const dv = current.domainValidations.find((candidate) => candidate.domainName === domainName);
    if (current.status !== 'PENDING_VALIDATION' || !dv || !awaitsApproval(dv)) return undefined;
    if (mode === 'first' && dv.approval) return undefined;
    recorded = true;
    return {
      ...current,
      domainValidations: current.domainValidations.map((candidate) =>
        candidate === dv ? { ...candidate, approval } : candidate,
      ),
    };
  });
  return recorded;
}

/** An EMAIL-validated domain nobody has approved yet. */
export function awaitsApproval(dv: DomainValidation): boolean {
  return dv.validationMethod === 'EMAIL' && dv.status === 'PENDING_VALIDATION';
}
