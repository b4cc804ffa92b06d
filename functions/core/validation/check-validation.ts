import { parseCertificateArn } from '../arn.ts';
import { enforceCaa } from '../caa/enforce-caa.ts';
import { updateCertificate, updateKnownCertificate } from '../certificates/update-certificate.ts';
import type { CertificateStore, Clock, DnsResolver } from '../ports.ts';
import type { PollSchedule } from '../settings.ts';
import type { DnsProof } from './dns-proof.ts';
import { applyProof, collectProofs } from './domain-proofs.ts';
import { noteNextCheck } from './note-next-check.ts';
import { pollDelaySeconds } from './poll-schedule.ts';

export type ValidationCheckOutcome = 'VALIDATED' | 'PENDING' | 'TIMED_OUT' | 'STOPPED';

export interface ValidationCheckResult {
  outcome: ValidationCheckOutcome;
  /** How many checks have run, this one included. */
  attempt: number;
  /** When PENDING: how long to wait before the next check. */
  waitSeconds: number;
}

export interface CheckValidationDeps {
  store: CertificateStore;
  resolver: DnsResolver;
  clock: Clock;
  pollSchedule: PollSchedule;
  /** settings.caaIdentities; the default identity when not given. */
  caaIdentities: readonly string[];
}

/** How late after the deadline the schedule's last check may run (Wait rounding, Lambda start) and still look. */
const FINAL_CHECK_GRACE_MS = 60_000;

/**
 * One round of the validation loop: look for each pending domain's proof, record what was seen, and say
 * what the workflow does next. DNS proof is looked up here; EMAIL proof is an approval the approval desk
 * records on the certificate, so for those domains this only reads the store. Once every name is proven,
 * CAA decides (enforceCaa): VALIDATED, still pending after a failed CAA lookup, or CaaForbiddenError.
 * Gives up (VALIDATION_TIMED_OUT) when a check at or after the validation deadline still finds a name
 * unproven, whatever the method.
 * Each name still waiting is told when the next check runs; a `once` check (ValidateNow's, outside the
 * poll schedule) leaves the schedule's next check as it was.
 */
export async function checkValidation(
  deps: CheckValidationDeps,
  arn: string,
  previousAttempt: number,
  options: { once?: boolean } = {},
): Promise<ValidationCheckResult> {
  const attempt = previousAttempt + 1;
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await deps.store.get(accountId, certificateId);
  if (certificate?.status !== 'PENDING_VALIDATION') return { outcome: 'STOPPED', attempt, waitSeconds: 0 };

  const now = deps.clock.now();
  const deadline = Date.parse(certificate.validationDeadline);
  const pastDeadline = now.getTime() >= deadline;
  const secondsToDeadline = Math.ceil((deadline - now.getTime()) / 1000);
  const waitSeconds = Math.min(pollDelaySeconds(attempt, deps.pollSchedule), Math.max(1, secondsToDeadline));
  const nextCheckAt =
    options.once || pastDeadline ? undefined : new Date(now.getTime() + waitSeconds * 1000).toISOString();
  // The check the schedule runs at the deadline still looks (proof published during the last wait counts);
  // a check long after it (a run resumed days later) does not. Approvals are recorded when they happen and
  // the approval desk takes none after the deadline, so approved names count whenever the check runs.
  const proofs =
    now.getTime() < deadline + FINAL_CHECK_GRACE_MS
      ? await collectProofs(deps.resolver, certificate.domainValidations)
      : new Map<string, DnsProof>();
  const checkedAt = now.toISOString();
  // Nothing looked up, nothing to record: a write would only race the approval desk's.
  const saved =
    proofs.size === 0
      ? certificate
      : await updateKnownCertificate(deps.store, certificate, (current) =>
          current.status === 'PENDING_VALIDATION'
            ? {
                ...current,
                domainValidations: current.domainValidations.map((dv) =>
                  applyProof(dv, proofs, checkedAt, nextCheckAt),
                ),
              }
            : undefined,
        );
  if (saved?.status !== 'PENDING_VALIDATION') return { outcome: 'STOPPED', attempt, waitSeconds: 0 };
  if (saved.domainValidations.every((dv) => dv.status === 'SUCCESS')) {
    const caa = await enforceCaa(deps, saved, checkedAt);
    if (caa === 'STOPPED') return { outcome: 'STOPPED', attempt, waitSeconds: 0 };
    if (caa === 'PERMITTED') return { outcome: 'VALIDATED', attempt, waitSeconds: 0 };
    if (nextCheckAt) await noteNextCheck(deps.store, saved, checkedAt, nextCheckAt);
  }
  if (pastDeadline) return timeOut(deps.store, accountId, certificateId, attempt);
  return { outcome: 'PENDING', attempt, waitSeconds };
}

/** Gives up on a certificate still pending at its validation deadline (VALIDATION_TIMED_OUT). */
async function timeOut(
  store: CertificateStore,
  accountId: string,
  certificateId: string,
  attempt: number,
): Promise<ValidationCheckResult> {
  const saved = await updateCertificate(store, accountId, certificateId, (current) =>
    current.status === 'PENDING_VALIDATION' ? { ...current, status: 'VALIDATION_TIMED_OUT' } : undefined,
  );
  return {
    outcome: saved?.status === 'VALIDATION_TIMED_OUT' ? 'TIMED_OUT' : 'STOPPED',
    attempt,
    waitSeconds: 0,
  };
}
