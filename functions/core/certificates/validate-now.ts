import { parseCertificateArn } from '../arn.ts';
import { InvalidStateError } from '../errors.ts';
import type { CertificateStore, Clock, WorkflowStarter } from '../ports.ts';
import { findCertificate } from './find-certificate.ts';
import { updateCertificate } from './update-certificate.ts';

export interface ValidateNowDeps {
  store: CertificateStore;
  workflow: WorkflowStarter;
  clock: Clock;
  region: string;
}

/** At most one requested check per certificate in this many seconds; later requests within it are no-ops. */
export const VALIDATE_NOW_INTERVAL_SECONDS = 10;

/**
 * Has a pending certificate checked at once instead of at its workflow's next poll. The running execution
 * waits in a Wait state nothing can wake, so a second, short execution (`once`) checks and issues if every
 * name is proven. The request is recorded first (`checkRequestedAt`, a conditional write): a repeat within
 * the interval finds it and starts nothing, and of racing requests only the one whose write lands starts
 * a run. The execution name is the certificate id and the interval's number: distinct per request, and
 * the same for a retried start of one request.
 */
export async function validateNow(deps: ValidateNowDeps, accountId: string, arn: string): Promise<void> {
  parseCertificateArn(arn);
  const certificate = await findCertificate(deps, accountId, arn);
  if (certificate.status !== 'PENDING_VALIDATION') {
    throw new InvalidStateError(
      `Certificate ${arn} is ${certificate.status}: only a certificate in PENDING_VALIDATION can be checked.`,
    );
  }
  const now = deps.clock.now();
  // Set by the attempt whose write went through: a re-read after a lost race decides again.
  let claimed = false;
  const saved = await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) => {
    claimed = current.status === 'PENDING_VALIDATION' && !requestedRecently(current.checkRequestedAt, now);
    return claimed ? { ...current, checkRequestedAt: now.toISOString() } : undefined;
  });
  if (!saved || !claimed) return;
  const interval = Math.floor(now.getTime() / (VALIDATE_NOW_INTERVAL_SECONDS * 1000));
  await deps.workflow.start(validateNowExecutionName(certificate.id, interval), {
    certificateArn: certificate.arn,
    once: true,
  });
}

export function validateNowExecutionName(certificateId: string, interval: number): string {
  return `${certificateId}-now-${interval}`;
}

function requestedRecently(checkRequestedAt: string | undefined, now: Date): boolean {
  if (checkRequestedAt === undefined) return false;
  const elapsedMs = now.getTime() - Date.parse(checkRequestedAt);
  return elapsedMs >= 0 && elapsedMs < VALIDATE_NOW_INTERVAL_SECONDS * 1000;
}
