import { ValidationError } from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CheckedImport } from './checked-import.ts';

/** A key usage a new body may drop: keyEncipherment means nothing for an EC key. */
const DROPPABLE_KEY_USAGE = 'KEY_ENCIPHERMENT';
/** The extended key usage a new body may drop (public CAs stopped adding clientAuth in 2025). */
const DROPPABLE_EXTENDED_KEY_USAGE = 'TLS_WEB_CLIENT_AUTHENTICATION';

/**
 * ACM's re-import rules: only an imported certificate takes a new body, the key type and size stay, and
 * the key usages and extended key usages it has stay (but keyEncipherment on an EC key and the client
 * authentication EKU may go). The names may change.
 */
export function checkReimport(current: CertificateRecord, next: CheckedImport): void {
  const { arn } = current;
  if (current.type !== 'IMPORTED') {
    throw new ValidationError(
      `Certificate ${arn} was not imported; only an imported certificate can be re-imported.`,
    );
  }
  if (current.status === 'REVOKED') {
    throw new ValidationError(`Certificate ${arn} is revoked and cannot be re-imported.`);
  }
  if (current.keyAlgorithm !== next.keyAlgorithm) {
    throw new ValidationError(
      `The key type and size cannot change on re-import: certificate ${arn} has a ${current.keyAlgorithm} key, ` +
        `the new certificate a ${next.keyAlgorithm} key.`,
    );
  }
  const droppable = next.keyAlgorithm.startsWith('EC_') ? [DROPPABLE_KEY_USAGE] : [];
  const lostUsages = missing(current.issued?.keyUsages ?? [], next.keyUsages, droppable);
  const lostExtended = missing(
    (current.issued?.extendedKeyUsages ?? []).map((usage) => usage.name),
    next.extendedKeyUsages.map((usage) => usage.name),
    [DROPPABLE_EXTENDED_KEY_USAGE],
  );
  const lost = [...lostUsages, ...lostExtended];
  if (lost.length > 0) {
    throw new ValidationError(
      `The new certificate must keep the key usages of certificate ${arn}; it lacks ${lost.join(', ')}.`,
    );
  }
}

function missing(before: string[], after: string[], droppable: string[]): string[] {
  return before.filter((usage) => !after.includes(usage) && !droppable.includes(usage));
}
