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
 * name is proven. Its name is the certificate id and the interval's number, so requests racing within one
 * interval start one execution (starts are idempotent by name). The request is recorded
 * (`checkRequestedAt`) only after the start went through: a repeat within the interval then starts nothing,
 * while a start that failed leaves nothing recorded, so the caller's retry starts it.
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
  if (requestedRecently(certificate.checkRequestedAt, now)) return;
  const interval = Math.floor(now.getTime() / (VALIDATE_NOW_INTERVAL_SECONDS * 1000));
  await deps.workflow.start(validateNowExecutionName(certificate.id, interval), {
    certificateArn: certificate.arn,
    once: true,
  });
  await updateCertificate(deps.store, certificate.accountId, certificate.id, (current) =>
    current.status === 'PENDING_VALIDATION' && !requestedRecently(current.checkRequestedAt, now)
      ? { ...current, checkRequestedAt: now.toISOString() }
      : undefined,
  );
}

export function validateNowExecutionName(certificateId: string, interval: number): string {
  return `${certificateId}-now-${interval}`;
}

function requestedRecently(checkRequestedAt: string | undefined, now: Date): boolean {
  if (checkRequestedAt === undefined) return false;
  const elapsedMs = now.getTime() - Date.parse(checkRequestedAt);
  return elapsedMs >= 0 && elapsedMs < VALIDATE_NOW_INTERVAL_SECONDS * 1000;
}
