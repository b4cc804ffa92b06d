import type { Tag } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';

/** The caller's certificate's tags, in the order they were first added. */
export async function listTagsForCertificate(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
): Promise<Tag[]> {
  return (await findCertificate(deps, accountId, arn)).tags;
}
