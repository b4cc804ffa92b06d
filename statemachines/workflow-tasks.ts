/**
 * The one map from the workflow's `${...}` Resource placeholders to the task each stands for. lib/ turns
 * it into definition substitutions (placeholder → Lambda ARN); local/ into task dispatch by state.
 */
export const CERTIFICATE_WORKFLOW_FILE = new URL('./certificate-workflow.asl.json', import.meta.url);

export const WORKFLOW_TASKS = {
  PublishValidationRecordsFunctionArn: 'publish-validation-records',
  CheckValidationFunctionArn: 'check-validation',
  IssueCertificateFunctionArn: 'issue-certificate',
  RecordFailureFunctionArn: 'record-failure',
} as const;

export type WorkflowTaskName = (typeof WORKFLOW_TASKS)[keyof typeof WORKFLOW_TASKS];
