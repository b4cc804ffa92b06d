import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, DomainValidation, RenewalState } from '../model.ts';
import type { CertificateStore, Clock, WorkflowStarter } from '../ports.ts';
import { renewalInProgress, renewalStalled } from './renewal-state.ts';

export { renewalInProgress } from './renewal-state.ts';

export interface StartRenewalDeps {
  store: CertificateStore;
  workflow: WorkflowStarter;
  clock: Clock;
}

/** The execution of a renewal cycle: the certificate's id, then the cycle, so each cycle runs once. */
export function renewalExecutionName(certificate: Pick<CertificateRecord, 'id'>, cycle: number): string {
  return `${certificate.id}-renewal-${cycle}`;
}

export interface StartRenewalOptions {
  /**
   * Treat a renewal under way that has stalled (renewalStalled at the clock's now) as failed: a new cycle
   * replaces it, with a run of its own. Its old run, if it ever wakes, finds its cycle over and stops.
   */
  restartStalled?: boolean;
}

/**
 * Starts a managed renewal of an ISSUED certificate Certwright signed: records a new cycle
 * (PENDING_AUTO_RENEWAL, every name to validate again) and starts its run. Callers decide whether it is
 * due and eligible. A renewal already under way is not started again, but its run is (starting is
 * idempotent by name, and a local run lost in a restart resumes this way); with `restartStalled`, one that
 * has stalled is replaced by a new cycle instead (in AWS a closed execution cannot be started again under
 * its name). Answers the renewal under way, or undefined when the certificate is gone or not a renewable
 * ISSUED certificate.
 */
export async function startRenewal(
  deps: StartRenewalDeps,
  accountId: string,
  certificateId: string,
  options: StartRenewalOptions = {},
): Promise<RenewalState | undefined> {
  const at = deps.clock.now();
  const now = at.toISOString();
  const saved = await updateCertificate(deps.store, accountId, certificateId, (current) => {
    if (!renewable(current)) return undefined;
    if (renewalInProgress(current) && !(options.restartStalled && renewalStalled(current, at)))
      return undefined;
    const cycle = (current.renewal?.cycle ?? 0) + 1;
    return {
      ...current,
      renewal: {
        status: 'PENDING_AUTO_RENEWAL',
        updatedAt: now,
        cycle,
        domainValidations: current.domainValidations.map(freshValidation),
      },
    };
  });
  if (!saved || !renewable(saved) || !renewalInProgress(saved)) return undefined;
  const renewal = saved.renewal as RenewalState;
  await deps.workflow.start(renewalExecutionName(saved, renewal.cycle ?? 1), {
    certificateArn: saved.arn,
    renewal: true,
  });
  return renewal;
}

function renewable(certificate: CertificateRecord): boolean {
  return certificate.type === 'AMAZON_ISSUED' && certificate.status === 'ISSUED' && !!certificate.issued;
}

/** A name to validate again: same method, record and approvers; nothing checked or approved yet. */
function freshValidation(dv: DomainValidation): DomainValidation {
  return {
    domainName: dv.domainName,
    validationDomain: dv.validationDomain,
    validationMethod: dv.validationMethod,
    status: 'PENDING_VALIDATION',
    ...(dv.resourceRecord ? { resourceRecord: dv.resourceRecord } : {}),
    ...(dv.validationEmails ? { validationEmails: dv.validationEmails } : {}),
  };
}
