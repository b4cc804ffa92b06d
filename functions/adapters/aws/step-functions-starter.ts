/**
 * WorkflowStarter on Step Functions (a STANDARD state machine): one StartExecution per certificate, named
 * by the caller (the certificate id), with the input as JSON.
 *
 * Idempotent by name, as the port asks. Step Functions itself answers a StartExecution with the same name
 * and the same input as a running execution with success (the original execution). A name used in the
 * last 90 days otherwise (the execution has closed, or the input differs) answers ExecutionAlreadyExists;
 * this adapter swallows that and resolves as if it had started it, so a repeat start is a no-op. The input
 * is derived from the name (the certificate's ARN for its id; `once` for a `<id>-now-<n>` run), so
 * "different input" does not arise in practice. After 90 days from its close a name can be reused, and a start runs the workflow again, which
 * stops at once for a certificate with nothing left to do.
 *
 * Names are checked against Step Functions' rules before calling it, so a bad name fails with a clear
 * error instead of an InvalidName from AWS. Every other error (StateMachineDoesNotExist, AccessDenied,
 * ExecutionLimitExceeded...) propagates; throttling is retried by the SDK first.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowInput, WorkflowStarter } from '../../core/ports.ts';

/** Step Functions' longest execution name. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

const FORBIDDEN_CHARACTERS = new Set('<>{}[]?*"#%\\^|~`$&,;:/');

/** An execution name Step Functions would refuse (InvalidName); nothing was sent to AWS. */
export class InvalidExecutionNameError extends Error {
  override name = 'InvalidExecutionName' as const;
}

export class StepFunctionsStarter implements WorkflowStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(executionName: string, input: WorkflowInput): Promise<void> {
    const problem = executionNameProblem(executionName);
    if (problem !== undefined) {
      throw new InvalidExecutionNameError(
        `${JSON.stringify(executionName)} is not a valid Step Functions execution name: ${problem}`,
      );
    }
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name: executionName,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // Matched by name, not instanceof: a bundle may hold more than one copy of the SDK's classes.
      if ((error as { name?: unknown } | undefined)?.name === 'ExecutionAlreadyExists') return;
      throw error;
    }
  }
}

/**
 * Why Step Functions would refuse `name`, or undefined if it accepts it: 1 to 80 characters (counted in
 * UTF-16 code units, the stricter reading), no whitespace, none of `< > { } [ ] ? * " # % \ ^ | ~ \` $ & , ;
 * : /`, no control characters (U+0000–001F, U+007F–009F), no U+FFFE, U+FFFF or U+10FFFF and no unpaired
 * surrogates. (Step Functions also advises only `0-9 A-Z a-z - _` where executions log to CloudWatch Logs;
 * the certificate ids used as names are UUIDs, which meet both.)
 */
export function executionNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_EXECUTION_NAME_LENGTH) {
    return `it is ${name.length} characters long, longer than ${MAX_EXECUTION_NAME_LENGTH}`;
  }
  for (const character of name) {
    const code = character.codePointAt(0) ?? 0;
    const shown = `${JSON.stringify(character)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
    if (/\s/u.test(character)) return `it contains whitespace ${shown}`;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return `it contains the control character ${shown}`;
    if (code >= 0xd800 && code <= 0xdfff) return `it contains the unpaired surrogate ${shown}`;
    if (code === 0xfffe || code === 0xffff || code === 0x10ffff)
      return `it contains the noncharacter ${shown}`;
    if (FORBIDDEN_CHARACTERS.has(character)) return `it contains ${shown}`;
  }
  return undefined;
}
