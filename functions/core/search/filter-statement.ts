import type { KeyAlgorithm } from '../model.ts';
import type { CertificateMetadata } from './certificate-metadata.ts';
import type { X509Attributes } from './x509-attributes.ts';

/** SearchCertificates' CertificateFilterStatement: a tree of And, Or and Not over single filters. */
export type FilterStatement =
  | { and: FilterStatement[] }
  | { or: FilterStatement[] }
  | { not: FilterStatement }
  | { filter: CertificateFilter };

export type CertificateFilter =
  | { certificateArn: string }
  | { x509: X509AttributeFilter }
  | { metadata: MetadataFilter };

export interface TextFilter {
  value: string;
  operator: 'CONTAINS' | 'EQUALS';
}

/** Both ends inclusive; an end left out is open. */
export interface TimeRange {
  start?: Date;
  end?: Date;
}

export type X509AttributeFilter =
  | { subjectCommonName: TextFilter }
  | { dnsName: TextFilter }
  | { extendedKeyUsage: string }
  | { keyUsage: string }
  | { keyAlgorithm: KeyAlgorithm }
  | { serialNumber: string }
  | { notAfter: TimeRange }
  | { notBefore: TimeRange };

/** One AcmCertificateMetadataFilter member: the metadata field and the value it must have. */
export type MetadataFilterField = Exclude<
  keyof CertificateMetadata,
  'createdAt' | 'issuedAt' | 'importedAt' | 'revokedAt' | 'renewalEligibility'
>;
export interface MetadataFilter {
  field: MetadataFilterField;
  value: string | boolean;
}

/** What a statement is evaluated against; `x509()` is undefined for a certificate without a body. */
export interface SearchCandidate {
  arn: string;
  metadata: CertificateMetadata;
  x509(): X509Attributes | undefined;
}

export function matches(statement: FilterStatement, candidate: SearchCandidate): boolean {
  if ('and' in statement) return statement.and.every((part) => matches(part, candidate));
  if ('or' in statement) return statement.or.some((part) => matches(part, candidate));
  if ('not' in statement) return !matches(statement.not, candidate);
  return filterMatches(statement.filter, candidate);
}

function filterMatches(filter: CertificateFilter, candidate: SearchCandidate): boolean {
  if ('certificateArn' in filter) return filter.certificateArn === candidate.arn;
  if ('metadata' in filter) return candidate.metadata[filter.metadata.field] === filter.metadata.value;
  const attributes = candidate.x509();
  // A certificate without a body (a pending request) has no X.509 attributes to match.
  return attributes !== undefined && x509Matches(filter.x509, attributes);
}

function x509Matches(filter: X509AttributeFilter, attributes: X509Attributes): boolean {
  if ('subjectCommonName' in filter) {
    const commonName = attributes.subject.commonName;
    return commonName !== undefined && textMatches(filter.subjectCommonName, commonName);
  }
  if ('dnsName' in filter) {
    return attributes.subjectAlternativeNames.some(
      (name) => 'dnsName' in name && textMatches(filter.dnsName, name.dnsName),
    );
  }
  if ('extendedKeyUsage' in filter) {
    const usages = attributes.extendedKeyUsages;
    return filter.extendedKeyUsage === 'NONE'
      ? usages.length === 0
      : usages.includes(filter.extendedKeyUsage);
  }
  if ('keyUsage' in filter) return attributes.keyUsages.includes(filter.keyUsage);
  if ('keyAlgorithm' in filter) return attributes.keyAlgorithm === filter.keyAlgorithm;
  if ('serialNumber' in filter) return sameSerial(filter.serialNumber, attributes.serialNumber);
  if ('notAfter' in filter) return within(filter.notAfter, attributes.notAfter);
  return within(filter.notBefore, attributes.notBefore);
}

/** Names compare without regard to case, as DNS names do. */
function textMatches(filter: TextFilter, text: string): boolean {
  const [wanted, actual] = [filter.value.toLowerCase(), text.toLowerCase()];
  return filter.operator === 'EQUALS' ? actual === wanted : actual.includes(wanted);
}

/** Serial numbers compare as numbers: a leading zero byte (DER's sign padding) does not count. */
function sameSerial(wanted: string, actual: string): boolean {
  const digits = (serial: string) =>
    serial
      .replaceAll(':', '')
      .toLowerCase()
      .replace(/^(00)+(?=..)/, '');
  return digits(wanted) === digits(actual);
}

function within(range: TimeRange, time: Date): boolean {
  return (
    (range.start === undefined || time.getTime() >= range.start.getTime()) &&
    (range.end === undefined || time.getTime() <= range.end.getTime())
  );
}
