import { updateCertificate } from '../certificates/update-certificate.ts';
import type { CertificateRecord, DomainValidation, RenewalState } from '../model.ts';
import type { CertificateStore, Clock, WorkflowStarter } from '../ports.ts';

export interface StartRenewalDeps {
  store: CertificateStore;
  workflow: WorkflowStarter;
  clock: Clock;
}

/** The execution of a renewal cycle: the certificate's id, then the cycle, so each cycle runs once. */
export function renewalExecutionName(certificate: Pick<CertificateRecord, 'id'>, cycle: number): string {
  return `${certificate.id}-renewal-${cycle}`;
}

/** A renewal is under way (started, or waiting for its names to validate again). */
export function renewalInProgress(certificate: CertificateRecord): boolean {
  const status = certificate.renewal?.status;
  return status === 'PENDING_AUTO_RENEWAL' || status === 'PENDING_VALIDATION';
}

/**
 * Starts a managed renewal of an ISSUED certificate Certwright signed: records a new cycle
 * (PENDING_AUTO_RENEWAL, every name to validate again) and starts its run. Callers decide whether it is
 * due and eligible. A renewal already under way is not started again, but its run is (starting is
 * idempotent by name, and a local run lost in a restart resumes this way). Answers the renewal under way,
 * or undefined when the certificate is gone or not a renewable ISSUED certificate.
 */
export async function startRenewal(
  deps: StartRenewalDeps,
  accountId: string,
  certificateId: string,
): Promise<RenewalState | undefined> {
  const now = deps.clock.now().toISOString();
  const saved = await updateCertificate(deps.store, accountId, certificateId, (current) => {
    if (!renewable(current) || renewalInProgress(current)) return undefined;
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
