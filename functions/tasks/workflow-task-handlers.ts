import type { WorkflowTaskName } from '../../statemachines/workflow-tasks.ts';
import type { IssueCertificateDeps } from '../core/issuance/issue-certificate.ts';
import type { CheckValidationDeps } from '../core/validation/check-validation.ts';
import type { PublishValidationDeps } from '../core/validation/publish-validation-records.ts';
import { createCheckValidationHandler } from './check-validation.ts';
import { createIssueCertificateHandler } from './issue-certificate.ts';
import { createPublishValidationRecordsHandler } from './publish-validation-records.ts';
import { createRecordFailureHandler } from './record-failure.ts';
import type { CertificateTaskEvent } from './task-event.ts';

export type WorkflowTaskDeps = CheckValidationDeps & IssueCertificateDeps & PublishValidationDeps;

/** Every workflow task's handler, by task name: what a runner without Lambda dispatches to. */
export function createWorkflowTaskHandlers(
  deps: WorkflowTaskDeps,
): Record<WorkflowTaskName, (event: CertificateTaskEvent) => Promise<unknown>> {
  const context = {} as never;
  const publish = createPublishValidationRecordsHandler(deps);
  const check = createCheckValidationHandler(deps);
  const issue = createIssueCertificateHandler(deps);
  const recordFailure = createRecordFailureHandler(deps);
  return {
    'publish-validation-records': (event) => publish(event, context),
    'check-validation': (event) => check(event, context),
    'issue-certificate': (event) => issue(event, context),
    'record-failure': (event) => recordFailure(event, context),
  };
}
