import { ResourceInUseError } from '../errors.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';

/**
 * Deletes a certificate and its sealed key. A pending certificate's workflow stops at its next step. The
 * call that deleted it frees its slot in the account's certificate quota; the request that made it keeps
 * counting toward the yearly request quota.
 */
export async function deleteCertificate(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
): Promise<void> {
  const certificate = await findCertificate(deps, accountId, arn);
  if (certificate.inUseBy.length > 0) {
    throw new ResourceInUseError(`Certificate ${arn} is in use by ${certificate.inUseBy.join(', ')}.`);
  }
  if (!(await deps.store.delete(accountId, certificate.id))) return;
  try {
    await deps.store.releaseHeldCertificate(accountId);
  } catch {
    // The certificate is gone, so the delete succeeded: answering an error would make the client retry into
    // ResourceNotFoundException. The slot stays counted (the quota can only under-grant, never over-grant).
  }
}
