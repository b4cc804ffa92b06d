import { parseCertificateArn } from '../arn.ts';
import { findCertificate } from '../certificates/find-certificate.ts';
import { checkDomainName } from '../domain-names.ts';
import { InvalidDomainValidationOptionsError, InvalidStateError } from '../errors.ts';
import type { DomainValidation } from '../model.ts';
import { recordedApproverDomain } from './approver-addresses.ts';
import { type ApprovalMailDeps, sendApprovalMail } from './send-approval-mail.ts';

export type ResendValidationEmailDeps = ApprovalMailDeps & { region: string };

/** ResendValidationEmail's input, as ACM names it. */
export interface ResendValidationEmailRequest {
  certificateArn: string;
  domain: string;
  validationDomain: string;
}

/**
 * Mails a fresh approval link for one domain of a certificate waiting for EMAIL validation, to the addresses
 * recorded for it (WHOIS contacts included, when the workflow added them; the API itself does no WHOIS or
 * DNS lookups). The new link replaces the current one, so an earlier link answers USED from then on.
 */
export async function resendValidationEmail(
  deps: ResendValidationEmailDeps,
  accountId: string,
  request: ResendValidationEmailRequest,
): Promise<void> {
  const { certificateArn: arn } = request;
  parseCertificateArn(arn);
  checkDomainName(request.domain, 'domain');
  checkDomainName(request.validationDomain, 'validationDomain');
  const certificate = await findCertificate(deps, accountId, arn);

  if (certificate.status !== 'PENDING_VALIDATION') {
    throw new InvalidStateError(
      `Certificate ${arn} is ${certificate.status}: validation email can be resent only while it is PENDING_VALIDATION.`,
    );
  }
  if (certificate.domainValidations.some((dv) => dv.validationMethod !== 'EMAIL')) {
    throw new InvalidStateError(
      `Certificate ${arn} is validated by DNS: there is no validation email to resend.`,
    );
  }
  if (deps.clock.now().getTime() >= Date.parse(certificate.validationDeadline)) {
    throw new InvalidStateError(
      `The validation window of certificate ${arn} has closed: request a new certificate.`,
    );
  }

  const domain = request.domain.toLowerCase();
  const dv = certificate.domainValidations.find((candidate) => candidate.domainName === domain);
  if (!dv) {
    throw new InvalidDomainValidationOptionsError(
      `Domain ${request.domain} is not one of the domain names of certificate ${arn}.`,
    );
  }
  if (!validationDomainMatches(dv, request.validationDomain.toLowerCase())) {
    throw new InvalidDomainValidationOptionsError(
      `ValidationDomain ${request.validationDomain} is not the validation domain of ${dv.domainName} (${dv.validationDomain}).`,
    );
  }
  if (dv.status !== 'PENDING_VALIDATION') {
    throw new InvalidStateError(`Domain ${dv.domainName} of certificate ${arn} is already validated.`);
  }
  await sendApprovalMail(deps, certificate, dv.domainName, 'replace');
}

/**
 * The domain's ValidationDomain, or the domain its approver addresses are at (www.example.com's mail goes
 * to example.com, which is what ACM's own example passes); never the domain of a WHOIS contact's address.
 */
function validationDomainMatches(dv: DomainValidation, validationDomain: string): boolean {
  return validationDomain === dv.validationDomain || validationDomain === recordedApproverDomain(dv);
}
