import type { Tag } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { withTagsAdded } from '../tags.ts';
import { updateTags } from './update-tags.ts';

/**
 * Adds tags (already checked with checkTags) to the caller's certificate. A key it already has gets the new
 * value; more than 50 tags in all is TooManyTagsException and changes nothing.
 */
export async function addTagsToCertificate(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
  tags: readonly Tag[],
): Promise<void> {
  await updateTags(deps, accountId, arn, (current) => withTagsAdded(current, tags, arn));
}
