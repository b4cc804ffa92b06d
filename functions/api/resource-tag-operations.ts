import { refuseNonCertificateResource } from '../core/certificates/acm-resource.ts';
import { checkLength, constraintViolation } from '../core/constraint-violation.ts';
import { checkTags } from '../core/tags.ts';
import type { Operation } from './api-services.ts';
import { optionalStringList, requiredString, type WireInput } from './wire-input.ts';

function resourceArn(input: WireInput): string {
  const arn = requiredString(input, 'ResourceArn', 'resourceArn');
  checkLength(arn, 'resourceArn', 20, 2048);
  return arn;
}

const tagResourceOperation: Operation = async (_services, _accountId, input) => {
  const arn = resourceArn(input);
  checkTags(input.Tags);
  return refuseNonCertificateResource(arn, 'AddTagsToCertificate');
};

const untagResourceOperation: Operation = async (_services, _accountId, input) => {
  const arn = resourceArn(input);
  const tagKeys = optionalStringList(input, 'TagKeys');
  if (tagKeys === undefined) throw constraintViolation(null, 'tagKeys', 'Member must not be null');
  checkLength(tagKeys, 'tagKeys', 1, 50);
  return refuseNonCertificateResource(arn, 'RemoveTagsFromCertificate');
};

const listTagsForResourceOperation: Operation = async (_services, _accountId, input) =>
  refuseNonCertificateResource(resourceArn(input), 'ListTagsForCertificate');

/** TagResource, UntagResource and ListTagsForResource (ACM's tagging of non-certificate resources). */
export const RESOURCE_TAG_OPERATIONS: Record<string, Operation> = {
  TagResource: tagResourceOperation,
  UntagResource: untagResourceOperation,
  ListTagsForResource: listTagsForResourceOperation,
};
