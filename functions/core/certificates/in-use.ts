import { parseCertificateArn } from '../arn.ts';
import { checkLength, constraintViolation } from '../constraint-violation.ts';
import {
  type ClientError,
  ConcurrentModificationError,
  InvalidStateError,
  LimitExceededError,
  RequestInProgressError,
  ResourceNotFoundError,
} from '../errors.ts';
import type { CertificateRecord } from '../model.ts';
import type { CertificateStore } from '../ports.ts';
import { revocationUnderWay } from '../revocation/revocation-claim.ts';
import { findCertificate } from './find-certificate.ts';
import { updateCertificate } from './update-certificate.ts';

/** The most resources one certificate may be associated with. */
export const MAX_RESOURCES_PER_CERTIFICATE = 100;

/** Any printable text: no control characters (C0, DEL, C1) and no unpaired surrogates. */
const RESOURCE_PATTERN_SOURCE = '[^\\p{Cc}\\p{Cs}]+';
const RESOURCE_PATTERN = new RegExp(`^${RESOURCE_PATTERN_SOURCE}$`, 'u');

/** Rounds of updateCertificate (each with its own retries) before a change under heavy contention gives up. */
const MAX_ROUNDS = 6;
const ROUND_PAUSE_MS = 15;

export interface InUseDeps {
  store: CertificateStore;
  region: string;
}

/**
 * Records that `resourceArn` uses the caller's ISSUED certificate (DescribeCertificate InUseBy). The
 * identifier is any printable text of 1–2048 characters, compared exactly. Associating one already there
 * changes nothing; a 101st resource is LimitExceededException. A certificate in use is eligible for
 * managed renewal, which the schedule finds at its next visit (it visits daily from the renewal window on).
 */
export async function associateCertificate(
  deps: InUseDeps,
  accountId: string,
  arn: string,
  resourceArn: string,
): Promise<void> {
  const certificate = await checkedCertificate(deps, accountId, arn, resourceArn);
  const refusal = associationRefusal(certificate);
  if (refusal) throw refusal;
  await changeInUseBy(deps, accountId, certificate, (current) => {
    if (current.inUseBy.includes(resourceArn)) return undefined;
    const lateRefusal = associationRefusal(current);
    if (lateRefusal) throw lateRefusal;
    if (current.inUseBy.length >= MAX_RESOURCES_PER_CERTIFICATE) {
      throw new LimitExceededError(
        `Certificate ${arn} is already associated with ${MAX_RESOURCES_PER_CERTIFICATE} resources, the most one certificate may be; disassociate one first.`,
      );
    }
    return { ...current, inUseBy: [...current.inUseBy, resourceArn] };
  });
}

/**
 * Records that `resourceArn` no longer uses the caller's certificate, whatever its status. Disassociating
 * one that is not there changes nothing.
 */
export async function disassociateCertificate(
  deps: InUseDeps,
  accountId: string,
  arn: string,
  resourceArn: string,
): Promise<void> {
  const certificate = await checkedCertificate(deps, accountId, arn, resourceArn);
  await changeInUseBy(deps, accountId, certificate, (current) =>
    current.inUseBy.includes(resourceArn)
      ? { ...current, inUseBy: current.inUseBy.filter((resource) => resource !== resourceArn) }
      : undefined,
  );
}

/** The wire constraints of a ResourceArn member: any printable text of 1–2048 characters. */
export function checkResourceArn(resourceArn: string, field = 'resourceArn'): void {
  checkLength(resourceArn, field, 1, 2048);
  if (!RESOURCE_PATTERN.test(resourceArn)) {
    throw constraintViolation(
      resourceArn,
      field,
      `Member must satisfy regular expression pattern: ${RESOURCE_PATTERN_SOURCE}`,
    );
  }
}

/** Both members checked (the certificate ARN first), then the caller's certificate. */
async function checkedCertificate(
  deps: InUseDeps,
  accountId: string,
  arn: string,
  resourceArn: string,
): Promise<CertificateRecord> {
  parseCertificateArn(arn);
  checkResourceArn(resourceArn);
  return findCertificate(deps, accountId, arn);
}

/**
 * Resources attach to issued certificates, as ACM's integrated services only take issued ones: requested
 * or imported, ISSUED. A request still validating is not issued yet; any other status is final; one whose
 * revocation is under way is about to be final.
 */
function associationRefusal(certificate: CertificateRecord): ClientError | undefined {
  const { arn, status } = certificate;
  if (revocationUnderWay(certificate)) {
    return new InvalidStateError(
      `Certificate ${arn} is being revoked: only an ISSUED certificate can be associated with a resource. If RevokeCertificate failed, call it again to finish the revocation.`,
    );
  }
  if (status === 'ISSUED') return undefined;
  if (status === 'PENDING_VALIDATION') {
    return new RequestInProgressError(
      `Certificate ${arn} has not been issued yet; its status is ${status}. Only an ISSUED certificate can be associated with a resource.`,
    );
  }
  return new InvalidStateError(
    `Certificate ${arn} is ${status}: only an ISSUED certificate can be associated with a resource.`,
  );
}

/**
 * A versioned read-modify-write of the certificate, so concurrent associations never lose each other. Many
 * writers to one certificate can outlast one updateCertificate's retries; each further round starts after
 * a short pause that grows with the round.
 */
async function changeInUseBy(
  deps: InUseDeps,
  accountId: string,
  certificate: CertificateRecord,
  change: (current: CertificateRecord) => CertificateRecord | undefined,
): Promise<void> {
  for (let round = 1; ; round++) {
    try {
      const saved = await updateCertificate(deps.store, accountId, certificate.id, change);
      if (!saved) throw new ResourceNotFoundError(`Could not find certificate ${certificate.arn}.`);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || round >= MAX_ROUNDS) throw error;
      await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS * round));
    }
  }
}
