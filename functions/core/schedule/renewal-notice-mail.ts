import { daysToExpiry, issuedPart } from '../events/certificate-events.ts';
import { renewalStatusReason } from '../events/expiry-notice-events.ts';
import { escapeHtml } from '../html-escape.ts';
import { mailHtmlRows, mailHtmlStart } from '../mail-html.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { MailMessage } from '../ports.ts';
import { renewalStalled } from '../renewal/renewal-state.ts';

export function renewalNoticeSubject(certificate: CertificateRecord, now: Date): string {
  const days = daysToExpiry(issuedPart(certificate), now);
  return `Action required: the certificate for ${certificate.domainName} expires in ${days} day${days === 1 ? '' : 's'}`;
}

/**
 * `Renewal Action Required` as mail to the deployment's notification addresses, plain text and HTML: which
 * certificate, when it expires, why its renewal is stuck, and per name what would let it validate again.
 */
export function renewalNoticeMail(certificate: CertificateRecord, to: string[], now: Date): MailMessage {
  const issued = issuedPart(certificate);
  const reason = renewalStatusReason(certificate);
  const details: Array<[string, string]> = [
    ['Domain name', certificate.domainName],
    ['Certificate ARN', certificate.arn],
    ['AWS account ID', certificate.accountId],
    ['Region', certificate.region],
    ['Expires', new Date(issued.notAfter).toUTCString()],
    ['Days to expiry', String(daysToExpiry(issued, now))],
    ['Renewal status', certificate.renewal?.status ?? 'PENDING_VALIDATION'],
    ['Renewal status reason', reason],
  ];
  const intro =
    `The managed renewal of the certificate for ${certificate.domainName} cannot finish on its own. ` +
    'Unless it is renewed, the certificate expires on the date below and services using it will fail.';
  const steps = [...attemptSteps(certificate, reason, now), ...pendingNames(certificate).map(nameStep)];
  const closing =
    'Renewal goes on by itself once every name validates: nothing else needs to be done. Until then this ' +
    'notice is repeated at 45, 30, 15, 7, 3 and 1 days before expiry.';

  const text = [
    intro,
    '',
    ...details.map(([label, value]) => `${`${label}:`.padEnd(23)}${value}`),
    '',
    ...(steps.length > 0 ? ['What to do:', ...steps.map((step) => `- ${step}`), ''] : []),
    closing,
    '',
  ].join('\n');

  const rows = mailHtmlRows(details);
  const subject = renewalNoticeSubject(certificate, now);
  const html = [
    ...mailHtmlStart(subject),
    `<p>${escapeHtml(intro)}</p>`,
    `<table>\n${rows}\n</table>`,
    ...(steps.length > 0
      ? [
          '<p>What to do:</p>',
          `<ul>\n${steps.map((step) => `<li>${escapeHtml(step)}</li>`).join('\n')}\n</ul>`,
        ]
      : []),
    `<p>${escapeHtml(closing)}</p>`,
    '</body></html>',
    '',
  ].join('\n');

  return { to, subject, text, html };
}

/** What became of the last renewal attempt, when it failed or stalled. */
function attemptSteps(certificate: CertificateRecord, reason: string, now: Date): string[] {
  if (certificate.renewal?.status === 'FAILED') {
    return [
      `The last renewal attempt failed (${reason}); once the cause is fixed, the next daily attempt renews it.`,
    ];
  }
  if (renewalStalled(certificate, now)) {
    return [
      `The renewal attempt under way since ${new Date(certificate.renewal?.updatedAt ?? '').toUTCString()} stopped making progress; a new attempt replaces it.`,
    ];
  }
  return [];
}

/** The renewal's names that are not validated yet (all of the certificate's when it recorded none). */
function pendingNames(certificate: CertificateRecord): DomainValidation[] {
  const validations = certificate.renewal?.domainValidations ?? certificate.domainValidations;
  return validations.filter((validation) => validation.status !== 'SUCCESS');
}

/**
 * What would let one name validate again: a CAA record naming this CA when CAA refused it (the refusal as
 * recorded names the CA's identities and the records found), else its validation record or approval.
 */
function nameStep(validation: DomainValidation): string {
  const record = validation.resourceRecord;
  if (validation.lastCheck?.outcome === 'CAA_FORBIDDEN') {
    const verdict = validation.lastCheck.detail ? ` (${validation.lastCheck.detail})` : '';
    return `${validation.domainName}: its CAA records do not permit this CA${verdict}; add a CAA record that names this CA, or remove the one that leaves it out.`;
  }
  if (validation.validationMethod === 'DNS' && record) {
    return `${validation.domainName}: put the CNAME record ${record.Name} with the value ${record.Value} back in DNS.`;
  }
  if (validation.validationMethod === 'EMAIL') {
    const approvers =
      validation.validationEmails?.join(', ') || `the approvers of ${validation.validationDomain}`;
    return `${validation.domainName}: approve the renewal from the approval mail sent to ${approvers}.`;
  }
  return `${validation.domainName}: make the name validate again.`;
}
