import { escapeHtml } from '../html-escape.ts';
import { mailHtmlRows, mailHtmlStart } from '../mail-html.ts';
import type { MailMessage } from '../ports.ts';

/** What one approval message says; `approvalUrl` carries the token, so the message is the only place it is. */
export interface ApprovalMailFacts {
  to: string;
  domainName: string;
  certificateArn: string;
  accountId: string;
  region: string;
  approvalUrl: string;
  /** ISO-8601: when the link stops working (the validation deadline; for a renewal, the certificate's NotAfter). */
  expiresAt: string;
  /** The approval renews an issued certificate for this domain (same names, new key). */
  renewal?: boolean;
}

/** The page an approval link opens: `<approvalBaseUrl>/approvals/<token>`. */
export function approvalUrl(approvalBaseUrl: string, token: string): string {
  return `${approvalBaseUrl}/approvals/${token}`;
}

export function approvalMailSubject(domainName: string): string {
  return `Certificate approval for ${domainName}`;
}

/** The approval request for one approver address, as plain text and as HTML. */
export function approvalMail(facts: ApprovalMailFacts): MailMessage {
  const expires = new Date(facts.expiresAt).toUTCString();
  const details: Array<[string, string]> = [
    ['Domain name', facts.domainName],
    ['Certificate ARN', facts.certificateArn],
    ['AWS account ID', facts.accountId],
    ['Requested in region', facts.region],
    ['Link expires', expires],
  ];
  const what = facts.renewal
    ? `The certificate for ${facts.domainName} is due for renewal, which needs approval again.`
    : `A certificate was requested for ${facts.domainName}.`;
  const intro =
    `${what} You receive this message because ${facts.to} is ` +
    'one of the addresses that may approve certificates for this domain.';
  const safety =
    'Opening the link changes nothing: the page shows the request, and only a click on Approve there approves ' +
    'it. If you did not expect this request, do not approve it; without approval no certificate is issued.';
  const expiry =
    `The link works until ${expires}, or until a newer message about this domain replaces it. After that ` +
    'the request expires and must be made again.';

  const text = [
    intro,
    '',
    ...details.map(([label, value]) => `${`${label}:`.padEnd(21)}${value}`),
    '',
    'To review and approve the request, open:',
    facts.approvalUrl,
    '',
    safety,
    '',
    expiry,
    '',
  ].join('\n');

  const rows = mailHtmlRows(details);
  const html = [
    ...mailHtmlStart(approvalMailSubject(facts.domainName)),
    `<p>${escapeHtml(intro)}</p>`,
    `<table>\n${rows}\n</table>`,
    `<p>To review and approve the request, open: <a href="${escapeHtml(facts.approvalUrl)}">${escapeHtml(facts.approvalUrl)}</a></p>`,
    `<p>${escapeHtml(safety)}</p>`,
    `<p>${escapeHtml(expiry)}</p>`,
    '</body></html>',
    '',
  ].join('\n');

  return { to: [facts.to], subject: approvalMailSubject(facts.domainName), text, html };
}
