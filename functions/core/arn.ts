import { checkLength, constraintViolation } from './constraint-violation.ts';
import { InvalidArnError } from './errors.ts';

const ARN_PATTERN_SOURCE = 'arn:[\\w+=/,.@-]+:acm:[\\w+=/,.@-]*:[0-9]+:[\\w+=,.@-]+(/[\\w+=,.@-]+)*';
const ARN_PATTERN = new RegExp(`^${ARN_PATTERN_SOURCE}$`);
const CERTIFICATE_ARN = /^arn:([\w-]+):acm:([a-z0-9-]+):(\d{12}):certificate\/([0-9a-f-]{36})$/;

export interface CertificateArnParts {
  partition: string;
  region: string;
  accountId: string;
  certificateId: string;
}

export function certificateArn(parts: CertificateArnParts): string {
  return `arn:${parts.partition}:acm:${parts.region}:${parts.accountId}:certificate/${parts.certificateId}`;
}

/** Checks the wire constraints of an ARN member (ValidationException) and then its meaning (InvalidArn). */
export function parseCertificateArn(arn: string, field = 'certificateArn'): CertificateArnParts {
  checkLength(arn, field, 20, 2048);
  if (!ARN_PATTERN.test(arn)) {
    throw constraintViolation(
      arn,
      field,
      `Member must satisfy regular expression pattern: ${ARN_PATTERN_SOURCE}`,
    );
  }
  const match = CERTIFICATE_ARN.exec(arn);
  if (!match) throw new InvalidArnError(`String '${arn}' is not a valid ARN.`);
  const [, partition, region, accountId, certificateId] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { partition, region, accountId, certificateId };
}
