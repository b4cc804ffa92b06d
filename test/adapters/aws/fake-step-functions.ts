/**
 * Step Functions (STANDARD state machines) behaving like the service for StartExecution, behind
 * aws-sdk-client-mock. Executions are kept by state machine and name:
 * - the same name and the same input as a RUNNING execution → success with the original execution;
 * - the same name otherwise (closed, or another input) within 90 days of its close → ExecutionAlreadyExists;
 * - 90 days after its close the execution's history is gone and the name starts a new execution.
 * The clock is the fake's own (`advance`); tests end executions with `stop`. Any other command fails loudly.
 */
import { randomUUID } from 'node:crypto';
import {
  ExecutionAlreadyExists,
  type ExecutionStatus,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
  type StartExecutionCommandOutput,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';
const NAME_REUSE_AFTER_MS = 90 * 24 * 60 * 60 * 1000;
const METADATA = { httpStatusCode: 400 };

export class FakeStepFunctions {
  readonly client = new SFNClient({
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  readonly mock = mockClient(this.client);
  private now = new Date('2026-01-01T00:00:00.000Z');
  private readonly stateMachines = new Set<string>();
  /** `<state machine ARN>|<name>` → execution. */
  private readonly executions = new Map<string, FakeExecution>();

  constructor() {
    this.mock.onAnyCommand().callsFake(() => {
      throw new Error('FakeStepFunctions implements only StartExecution');
    });
    this.mock
      .on(StartExecutionCommand)
      .callsFake((input: StartExecutionCommandInput) => this.startExecution(input));
  }

  createStateMachine(name: string): string {
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    this.stateMachines.add(arn);
    return arn;
  }

  advance(milliseconds: number): void {
    this.now = new Date(this.now.getTime() + milliseconds);
  }

  /** Ends a running execution. */
  stop(
    stateMachineArn: string,
    name: string,
    status: Exclude<ExecutionStatus, 'RUNNING'> = 'SUCCEEDED',
  ): void {
    const execution = this.current(stateMachineArn, name);
    if (execution?.status !== 'RUNNING') throw new Error(`no running execution ${name}`);
    execution.status = status;
    execution.stopDate = this.now;
  }

  /** The executions Step Functions still knows of for the state machine (copies), oldest first. */
  executionsOf(stateMachineArn: string): FakeExecution[] {
    return [...this.executions.values()]
      .filter((execution) => execution.stateMachineArn === stateMachineArn && !this.forgotten(execution))
      .map((execution) => ({ ...execution }));
  }

  /** The StartExecution calls made so far. */
  startCalls(): StartExecutionCommandInput[] {
    return this.mock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
  }

  private startExecution(input: StartExecutionCommandInput): StartExecutionCommandOutput {
    const stateMachineArn = input.stateMachineArn ?? '';
    if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(stateMachineArn)) {
      throw new InvalidArn({ $metadata: METADATA, message: `Invalid Arn: '${stateMachineArn}'` });
    }
    if (!this.stateMachines.has(stateMachineArn)) {
      throw new StateMachineDoesNotExist({
        $metadata: METADATA,
        message: `State Machine Does Not Exist: '${stateMachineArn}'`,
      });
    }
    const name = input.name ?? randomUUID();
    if (!validName(name)) throw new InvalidName({ $metadata: METADATA, message: `Invalid Name: '${name}'` });
    const executionInput = input.input ?? '{}';
    try {
      JSON.parse(executionInput);
    } catch (error) {
      throw new InvalidExecutionInput({
        $metadata: METADATA,
        message: `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      });
    }
    const existing = this.current(stateMachineArn, name);
    if (existing !== undefined) {
      if (existing.status === 'RUNNING' && existing.input === executionInput) {
        return {
          $metadata: { httpStatusCode: 200 },
          executionArn: existing.executionArn,
          startDate: existing.startDate,
        };
      }
      throw new ExecutionAlreadyExists({
        $metadata: METADATA,
        message: `Execution Already Exists: '${existing.executionArn}'`,
      });
    }
    const execution: FakeExecution = {
      executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn,
      name,
      input: executionInput,
      status: 'RUNNING',
      startDate: this.now,
    };
    this.executions.set(`${stateMachineArn}|${name}`, execution);
    return {
      $metadata: { httpStatusCode: 200 },
      executionArn: execution.executionArn,
      startDate: execution.startDate,
    };
  }

  /** The execution holding `name`, unless its history has expired. */
  private current(stateMachineArn: string, name: string): FakeExecution | undefined {
    const execution = this.executions.get(`${stateMachineArn}|${name}`);
    return execution === undefined || this.forgotten(execution) ? undefined : execution;
  }

  private forgotten(execution: FakeExecution): boolean {
    return (
      execution.stopDate !== undefined &&
      this.now.getTime() - execution.stopDate.getTime() >= NAME_REUSE_AFTER_MS
    );
  }
}

/** Step Functions' execution name rule, written independently of the adapter's check. */
function validName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 80 &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
    !/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff]/u.test(name) &&
    !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)
  );
}
