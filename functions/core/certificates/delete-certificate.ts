import { ConcurrentModificationError, ResourceInUseError } from '../errors.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';

const MAX_ATTEMPTS = 8;

/**
 * Deletes the certificate if it is not in use, conditional on the version checked: a resource associated
 * meanwhile is never deleted with it (the check is made again on the new version). Answers whether this
 * call deleted it.
 */
async function deleteUnused(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const certificate = await findCertificate(deps, accountId, arn);
    if (certificate.inUseBy.length > 0) {
      throw new ResourceInUseError(`Certificate ${arn} is in use by ${certificate.inUseBy.join(', ')}.`);
    }
    try {
      return await deps.store.delete(accountId, certificate.id, certificate.version);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

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
  if (!(await deleteUnused(deps, accountId, arn))) return;
  try {
    await deps.store.releaseHeldCertificate(accountId);
  } catch {
    // The certificate is gone, so the delete succeeded: answering an error would make the client retry into
    // ResourceNotFoundException. The slot stays counted (the quota can only under-grant, never over-grant).
  }
}
