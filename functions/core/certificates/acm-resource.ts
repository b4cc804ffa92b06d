import { ResourceNotFoundError, ValidationError } from '../errors.ts';

const CERTIFICATE_ARN = /^arn:[\w-]+:acm:[a-z0-9-]*:\d+:certificate\//;

/**
 * TagResource, UntagResource and ListTagsForResource act on ACM's non-certificate resources (ACME endpoints
 * and what belongs to them). Certwright has none: a certificate ARN is pointed at the certificate tag
 * operations, and any other ARN names nothing.
 */
export function refuseNonCertificateResource(resourceArn: string, certificateOperation: string): never {
  if (CERTIFICATE_ARN.test(resourceArn)) {
    throw new ValidationError(
      `Resource ${resourceArn} is a certificate: use ${certificateOperation} for its tags.`,
    );
  }
  throw new ResourceNotFoundError(`Could not find resource ${resourceArn}.`);
}
