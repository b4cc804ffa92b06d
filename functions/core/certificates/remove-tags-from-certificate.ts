import type { Tag } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { withTagsRemoved } from '../tags.ts';
import { updateTags } from './update-tags.ts';

/**
 * Removes tags (already checked with checkTagsToRemove) from the caller's certificate: by key, or by key and
 * value (then only when the value matches). Naming a tag the certificate does not have is not an error.
 */
export async function removeTagsFromCertificate(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
  tags: readonly Tag[],
): Promise<void> {
  await updateTags(deps, accountId, arn, (current) => withTagsRemoved(current, tags));
}
