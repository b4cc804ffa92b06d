import { parseCertificateArn } from '../arn.ts';
import { checkLength, constraintViolation } from '../constraint-violation.ts';
import { InvalidArnError, ValidationError } from '../errors.ts';
import { EXTENDED_KEY_USAGE_NAMES, KEY_ALGORITHMS, KEY_USAGE_NAMES } from '../listing/acm-names.ts';
import { CERTIFICATE_KEY_PAIR_ORIGINS } from '../listing/key-pair-origins.ts';
import { CERTIFICATE_STATUSES } from '../model.ts';
import type {
  CertificateFilter,
  FilterStatement,
  MetadataFilter,
  MetadataFilterField,
  TextFilter,
  TimeRange,
  X509AttributeFilter,
} from './filter-statement.ts';

const STATEMENT_LIST = { min: 1, max: 15 };
/** Not in ACM's model: a bound on Not/And/Or nesting, so no request can exhaust the evaluator's stack. */
export const MAX_STATEMENT_DEPTH = 32;
const COMPARISON_OPERATORS = ['CONTAINS', 'EQUALS'] as const;
const SERIAL_NUMBER_PATTERN = '[0-9a-f]{2}(:[0-9a-f]{2}){1,19}';

/** Each AcmCertificateMetadataFilter member: the metadata field it compares and the values it takes. */
const METADATA_MEMBERS: Record<
  string,
  { field: MetadataFilterField; values: readonly string[] | 'boolean' | 'string' }
> = {
  Status: { field: 'status', values: CERTIFICATE_STATUSES },
  RenewalStatus: {
    field: 'renewalStatus',
    values: ['PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION', 'SUCCESS', 'FAILED'],
  },
  Type: { field: 'type', values: ['IMPORTED', 'AMAZON_ISSUED', 'PRIVATE'] },
  InUse: { field: 'inUse', values: 'boolean' },
  Exported: { field: 'exported', values: 'boolean' },
  ExportOption: { field: 'exportOption', values: ['ENABLED', 'DISABLED'] },
  ManagedBy: { field: 'managedBy', values: ['CLOUDFRONT'] },
  ValidationMethod: { field: 'validationMethod', values: ['EMAIL', 'DNS', 'HTTP'] },
  CertificateKeyPairOrigin: { field: 'certificateKeyPairOrigin', values: CERTIFICATE_KEY_PAIR_ORIGINS },
  AcmeEndpointArn: { field: 'acmeEndpointArn', values: 'string' },
  AcmeAccountId: { field: 'acmeAccountId', values: 'string' },
};

/**
 * SearchCertificates' FilterStatement from the request JSON, checked as ACM's model constrains it, with
 * the framework's messages (member paths in lower camel case, list members as `and.1.member`).
 */
export function parseFilterStatement(input: unknown, field = 'filterStatement', depth = 1): FilterStatement {
  if (depth > MAX_STATEMENT_DEPTH) {
    throw new ValidationError(`FilterStatement may nest at most ${MAX_STATEMENT_DEPTH} statements deep.`);
  }
  const [member, value, path] = unionMember(input, field, ['And', 'Or', 'Not', 'Filter']);
  switch (member) {
    case 'And':
      return { and: statementList(value, path, depth) };
    case 'Or':
      return { or: statementList(value, path, depth) };
    case 'Not':
      return { not: parseFilterStatement(value, path, depth + 1) };
    default:
      return { filter: certificateFilter(value, path) };
  }
}

function statementList(value: unknown, field: string, depth: number): FilterStatement[] {
  if (!Array.isArray(value)) throw constraintViolation(value, field, 'Member must be a list');
  checkLength(value, field, STATEMENT_LIST.min, STATEMENT_LIST.max);
  return value.map((item, index) => parseFilterStatement(item, `${field}.${index + 1}.member`, depth + 1));
}

function certificateFilter(input: unknown, field: string): CertificateFilter {
  const [member, value, path] = unionMember(input, field, [
    'CertificateArn',
    'X509AttributeFilter',
    'AcmCertificateMetadataFilter',
  ]);
  if (member === 'CertificateArn') return { certificateArn: arnValue(value, path) };
  if (member === 'X509AttributeFilter') return { x509: x509AttributeFilter(value, path) };
  return { metadata: metadataFilter(value, path) };
}

/** An ARN that passes the wire constraints; one that names no certificate simply matches nothing. */
function arnValue(value: unknown, field: string): string {
  const arn = stringValue(value, field);
  try {
    parseCertificateArn(arn, field);
  } catch (error) {
    if (!(error instanceof InvalidArnError)) throw error;
  }
  return arn;
}

function x509AttributeFilter(input: unknown, field: string): X509AttributeFilter {
  const [member, value, path] = unionMember(input, field, [
    'Subject',
    'SubjectAlternativeName',
    'ExtendedKeyUsage',
    'KeyUsage',
    'KeyAlgorithm',
    'SerialNumber',
    'NotAfter',
    'NotBefore',
  ]);
  switch (member) {
    case 'Subject': {
      const [, commonName, commonNamePath] = unionMember(value, path, ['CommonName']);
      return { subjectCommonName: textFilter(commonName, commonNamePath) };
    }
    case 'SubjectAlternativeName': {
      const [, dnsName, dnsNamePath] = unionMember(value, path, ['DnsName']);
      return { dnsName: textFilter(dnsName, dnsNamePath) };
    }
    case 'ExtendedKeyUsage':
      return { extendedKeyUsage: enumValue(value, path, EXTENDED_KEY_USAGE_NAMES) };
    case 'KeyUsage':
      return { keyUsage: enumValue(value, path, KEY_USAGE_NAMES) };
    case 'KeyAlgorithm':
      return { keyAlgorithm: enumValue(value, path, KEY_ALGORITHMS) };
    case 'SerialNumber':
      return { serialNumber: serialNumber(value, path) };
    case 'NotAfter':
      return { notAfter: timeRange(value, path) };
    default:
      return { notBefore: timeRange(value, path) };
  }
}

function metadataFilter(input: unknown, field: string): MetadataFilter {
  const [member, value, path] = unionMember(input, field, Object.keys(METADATA_MEMBERS));
  const { field: metadataField, values } = METADATA_MEMBERS[member] as (typeof METADATA_MEMBERS)[string];
  if (values === 'boolean') {
    if (typeof value !== 'boolean') throw constraintViolation(value, path, 'Member must be a boolean');
    return { field: metadataField, value };
  }
  return {
    field: metadataField,
    value: values === 'string' ? stringValue(value, path) : enumValue(value, path, values),
  };
}

function textFilter(input: unknown, field: string): TextFilter {
  const structure = structureValue(input, field);
  const value = stringValue(structure.Value, `${field}.value`);
  checkLength(value, `${field}.value`, 1, 256);
  return {
    value,
    operator: enumValue(structure.ComparisonOperator, `${field}.comparisonOperator`, COMPARISON_OPERATORS),
  };
}

function serialNumber(value: unknown, field: string): string {
  const serial = stringValue(value, field);
  checkLength(serial, field, 2, 59);
  if (!new RegExp(`^${SERIAL_NUMBER_PATTERN}$`).test(serial)) {
    throw constraintViolation(
      serial,
      field,
      `Member must satisfy regular expression pattern: ${SERIAL_NUMBER_PATTERN}`,
    );
  }
  return serial;
}

function timeRange(input: unknown, field: string): TimeRange {
  const structure = structureValue(input, field);
  return {
    start: timestamp(structure.Start, `${field}.start`),
    end: timestamp(structure.End, `${field}.end`),
  };
}

/** awsJson timestamps are epoch seconds. */
function timestamp(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw constraintViolation(value, field, 'Member must be a timestamp in epoch seconds');
  }
  return new Date(value * 1000);
}

/** The one member a union structure has set, with its value and its path for messages. */
function unionMember<M extends string>(
  input: unknown,
  field: string,
  members: readonly M[],
): [member: M, value: unknown, path: string] {
  const structure = structureValue(input, field);
  const set = members.filter((member) => structure[member] !== undefined && structure[member] !== null);
  const only = set[0];
  if (set.length !== 1 || only === undefined) {
    throw constraintViolation(
      input,
      field,
      `Member must have exactly one of these members set: [${members.join(', ')}]`,
    );
  }
  return [only, structure[only], `${field}.${only.charAt(0).toLowerCase()}${only.slice(1)}`];
}

function structureValue(input: unknown, field: string): Record<string, unknown> {
  if (input === undefined || input === null)
    throw constraintViolation(input, field, 'Member must not be null');
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw constraintViolation(input, field, 'Member must be a structure');
  }
  return input as Record<string, unknown>;
}

function stringValue(value: unknown, field: string): string {
  if (value === undefined || value === null)
    throw constraintViolation(value, field, 'Member must not be null');
  if (typeof value !== 'string') throw constraintViolation(value, field, 'Member must be a string');
  return value;
}

function enumValue<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const text = stringValue(value, field);
  if (!allowed.includes(text as T)) {
    throw constraintViolation(text, field, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return text as T;
}
