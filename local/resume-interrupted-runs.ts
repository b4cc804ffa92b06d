import type { DynamoDbCertificateStore } from '../functions/adapters/aws/dynamodb-store.ts';
import { releaseIssuingClaim } from '../functions/core/issuance/issue-certificate.ts';
import type { WorkflowStarter } from '../functions/core/ports.ts';
import { renewalExecutionName } from '../functions/core/renewal/start-renewal.ts';

export interface ResumeDeps {
  store: DynamoDbCertificateStore;
  workflow: WorkflowStarter;
  log: (entry: Record<string, unknown>) => void;
}

/**
 * At start, the runs a stopped (or killed) process left under way start again under their own names: each
 * certificate still PENDING_VALIDATION, and each managed renewal under way on an ISSUED certificate. They are
 * found by reading the certificates themselves, as dynalite's index can miss one after a kill. A claim to
 * sign left by the process that died would hold a resumed run back for its lifetime, so it is released
 * first: the data directory lock proves no other process signs.
 */
export async function resumeInterruptedRuns(deps: ResumeDeps): Promise<void> {
  const { store, workflow, log } = deps;
  const pending = await store.scanPendingValidation();
  for (const certificate of pending) {
    await releaseIssuingClaim(store, certificate.accountId, certificate.certificateId);
    await workflow.start(certificate.certificateId, { certificateArn: certificate.arn });
  }
  if (pending.length > 0) log({ message: 'resumed validation', certificates: pending.length });

  // The run of the renewal's own cycle, never a new cycle: a run of an older cycle would stop at once.
  const renewing = await store.scanRenewalsInProgress();
  for (const certificate of renewing) {
    await releaseIssuingClaim(store, certificate.accountId, certificate.id);
    await workflow.start(renewalExecutionName(certificate, certificate.renewal?.cycle ?? 1), {
      certificateArn: certificate.arn,
      renewal: true,
    });
  }
  if (renewing.length > 0) log({ message: 'resumed renewal', certificates: renewing.length });
}
