import { ConcurrentModificationError, ResourceNotFoundError } from '../errors.ts';
import type { Tag } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';
import { updateCertificate } from './update-certificate.ts';

/** Rounds of updateCertificate (each with its own retries) before a tag change gives up. */
const MAX_ROUNDS = 6;
const ROUND_PAUSE_MS = 15;

/**
 * Replaces the caller's certificate's tags with `change(current tags)` by a versioned conditional save, so
 * concurrent tag changes never lose each other's writes. Many writers to one certificate can outlast one
 * updateCertificate's retries; each further round starts after a short pause that grows with the round.
 */
export async function updateTags(
  deps: { store: CertificateStore; region: string },
  accountId: string,
  arn: string,
  change: (current: Tag[]) => Tag[],
): Promise<void> {
  const certificate = await findCertificate(deps, accountId, arn);
  for (let round = 1; ; round++) {
    try {
      const saved = await updateCertificate(deps.store, accountId, certificate.id, (current) => {
        const tags = change(current.tags);
        // An unchanged tag set is not written, so a repeated call leaves the version as it is.
        return JSON.stringify(tags) === JSON.stringify(current.tags) ? undefined : { ...current, tags };
      });
      if (!saved) throw new ResourceNotFoundError(`Could not find certificate ${arn}.`);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || round >= MAX_ROUNDS) throw error;
      await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS * round));
    }
  }
}
