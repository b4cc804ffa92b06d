import { InvalidArgsError } from '../errors.ts';
import type { CertificateRecord, DomainValidation } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';

export interface DomainValidationSummary {
  domainName: string;
  /** The validation in effect for the name; an imported certificate's names have none. */
  active?: DomainValidation;
}

export interface DomainValidationsPage {
  summaries: DomainValidationSummary[];
  nextToken?: string;
}

/**
 * One page of a certificate's names with the validation each uses (ListCertificateDomainValidations), in
 * the certificate's name order. The token is the position of the next name, bound to the certificate: it
 * reveals nothing a caller could not list anyway, so it needs no MAC, only a strict parse.
 */
export async function listDomainValidations(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  query: { certificateArn: string; maxItems: number; nextToken?: string },
): Promise<DomainValidationsPage> {
  const certificate = await findCertificate(deps, accountId, query.certificateArn);
  const names = certificate.subjectAlternativeNames;
  const start = query.nextToken === undefined ? 0 : positionOf(query.nextToken, certificate);
  const end = Math.min(start + query.maxItems, names.length);
  const summaries = names.slice(start, end).map((domainName) => ({
    domainName,
    active: certificate.domainValidations.find((dv) => dv.domainName === domainName),
  }));
  return end < names.length ? { summaries, nextToken: tokenFor(end, certificate) } : { summaries };
}

function tokenFor(position: number, certificate: CertificateRecord): string {
  return Buffer.from(JSON.stringify({ certificate: certificate.id, position })).toString('base64url');
}

function positionOf(token: string, certificate: CertificateRecord): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { certificate: id, position } = (parsed ?? {}) as { certificate?: unknown; position?: unknown };
  if (
    id !== certificate.id ||
    typeof position !== 'number' ||
    !Number.isInteger(position) ||
    position < 1 ||
    position >= certificate.subjectAlternativeNames.length
  ) {
    throw new InvalidArgsError('The NextToken is not valid for this certificate.');
  }
  return position;
}
