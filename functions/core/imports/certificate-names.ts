import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ValidationError } from '../errors.ts';
import { commonName } from './distinguished-name.ts';

/** A host name as certificates carry it: dot-separated labels, an optional leading `*.`, at most 253 characters. */
const DNS_NAME = /^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/;

export const NO_DOMAIN_NAME =
  'The certificate has no domain name: it needs a subject common name (CN) or a DNS name in its subject alternative names.';

/**
 * The names DescribeCertificate shows for an import. DomainName is the subject CN, else the first DNS
 * subject alternative name. SubjectAlternativeNames are the certificate's DNS names in certificate order,
 * with the CN put first when it is a host name (browsers ignore the CN, but ACM lists it as a domain of the
 * certificate, and the CN of a requested certificate is always its first name). IP addresses, e-mail
 * addresses and URIs are not domain names and are left out, as ACM leaves them out.
 */
export function importedNames(certificate: x509.X509Certificate): {
  domainName: string;
  subjectAlternativeNames: string[];
} {
  const dnsNames = dnsSubjectAlternativeNames(certificate);
  const cn = commonName(certificate.subjectName);
  const domainName = cn ?? dnsNames[0];
  if (domainName === undefined || domainName === '') throw new ValidationError(NO_DOMAIN_NAME);
  const first = isDnsName(domainName) ? [domainName] : [];
  return { domainName, subjectAlternativeNames: [...new Set([...first, ...dnsNames])] };
}

function dnsSubjectAlternativeNames(certificate: x509.X509Certificate): string[] {
  const extension = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return (extension?.names.items ?? []).filter((name) => name.type === 'dns').map((name) => name.value);
}

function isDnsName(name: string): boolean {
  return name.length <= 253 && DNS_NAME.test(name);
}
