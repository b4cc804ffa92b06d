import { parseCertificateArn } from '../arn.ts';
import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord } from '../model.ts';
import { PENDING_DOMAIN_VALIDATION } from '../renewal/renewal-state.ts';
import type { PollSchedule } from '../settings.ts';
import type { CheckValidationDeps, ValidationCheckResult } from './check-validation.ts';
import { applyProof, collectProofs } from './domain-proofs.ts';
import { pollDelaySeconds } from './poll-schedule.ts';
import { enforceRenewalCaa } from './renewal-caa.ts';
import {
  type RenewalUnderWay,
  renewalDeadline,
  renewalUnderWay,
  withRenewalValidations,
} from './renewal-run.ts';

export type RenewalCheckResult = ValidationCheckResult & { cycle: number };

/**
 * The longest wait between two checks of a renewal, instead of the poll schedule's cap. A renewal may wait
 * for its names for the whole renewal window (60 days by default), and one Step Functions execution keeps
 * at most 25,000 history events (about 9 per check): hourly checks keep a 90-day wait under 20,000.
 */
export const RENEWAL_POLL_MAX_SECONDS = 3600;

/** The poll schedule's growth, capped at RENEWAL_POLL_MAX_SECONDS rather than its own cap (when lower). */
export function renewalPollDelaySeconds(attempt: number, schedule: PollSchedule): number {
  return pollDelaySeconds(attempt, {
    ...schedule,
    maxSeconds: Math.max(schedule.maxSeconds, RENEWAL_POLL_MAX_SECONDS),
  });
}

/**
 * One round of a renewal's validation loop, with the same DNS proof and CAA checks as a first issuance,
 * recorded on the renewal's own validations. A name still unproven after a check puts the renewal in
 * PENDING_VALIDATION (PENDING_DOMAIN_VALIDATION) and the loop goes on with the poll schedule, its waits
 * growing up to RENEWAL_POLL_MAX_SECONDS, until the certificate's NotAfter; then the run ends (TIMED_OUT) and
 * the schedule expires the certificate, failing this renewal in the same write.
 * STOPPED, without writing, when the certificate is no longer ISSUED or its renewal of `cycle` is over.
 */
export async function checkRenewalValidation(
  deps: CheckValidationDeps,
  arn: string,
  cycle: number,
  previousAttempt: number,
): Promise<RenewalCheckResult> {
  const attempt = previousAttempt + 1;
  const stopped: RenewalCheckResult = { outcome: 'STOPPED', attempt, waitSeconds: 0, cycle };
  const { accountId, certificateId } = parseCertificateArn(arn);
  const certificate = await deps.store.get(accountId, certificateId);
  if (!certificate || !renewalUnderWay(certificate, cycle)) return stopped;

  const now = deps.clock.now();
  const deadline = Date.parse(renewalDeadline(certificate));
  if (now.getTime() >= deadline) return { ...stopped, outcome: 'TIMED_OUT' };
  const secondsToDeadline = Math.ceil((deadline - now.getTime()) / 1000);
  const waitSeconds = Math.min(
    renewalPollDelaySeconds(attempt, deps.pollSchedule),
    Math.max(1, secondsToDeadline),
  );
  const checkedAt = now.toISOString();
  const nextCheckAt = new Date(now.getTime() + waitSeconds * 1000).toISOString();

  const proofs = await collectProofs(
    deps.resolver,
    renewalUnderWay(certificate, cycle)?.domainValidations ?? [],
  );
  const saved = await updateCertificate(deps.store, accountId, certificateId, (current) => {
    const renewal = renewalUnderWay(current, cycle);
    if (!renewal) return undefined;
    const checked = renewal.domainValidations.map((dv) => applyProof(dv, proofs, checkedAt, nextCheckAt));
    const validated = checked.every((dv) => dv.status === 'SUCCESS');
    if (proofs.size === 0 && (validated || renewal.status === 'PENDING_VALIDATION')) return undefined;
    return withStatus(withRenewalValidations(current, renewal, checked), validated, checkedAt);
  });
  const renewal = renewalUnderWay(saved, cycle);
  if (!saved || !renewal) return stopped;
  if (renewal.domainValidations.every((dv) => dv.status === 'SUCCESS')) {
    const caa = await enforceRenewalCaa(deps, saved, renewal, checkedAt, nextCheckAt);
    if (caa === 'STOPPED') return stopped;
    if (caa === 'PERMITTED') return { outcome: 'VALIDATED', attempt, waitSeconds: 0, cycle };
  }
  return { outcome: 'PENDING', attempt, waitSeconds, cycle };
}

/** A renewal with a name still unproven waits for validation; one proven throughout keeps its status. */
function withStatus(certificate: CertificateRecord, validated: boolean, at: string): CertificateRecord {
  const renewal = certificate.renewal as RenewalUnderWay;
  if (validated || renewal.status === 'PENDING_VALIDATION') return certificate;
  return {
    ...certificate,
    renewal: {
      ...renewal,
      status: 'PENDING_VALIDATION',
      statusReason: PENDING_DOMAIN_VALIDATION,
      updatedAt: at,
    },
  };
}
